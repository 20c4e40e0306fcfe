package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every format is read by the executors: the same rows as the course pair, as LibSVM and as
 * Parquet (and, for pixel-like bytes, as IDX files plain and gzip) train to bit-identical
 * parameters, and a malformed line is named by file, line and field with exit code 1 and
 * nothing written.
 */
class ExecutorReadCliTest {
  private static final String[] FLAGS = {"--arch", "4-8-2", "--classes", "2", "--epochs", "3",
      "--batch", "16", "--lr", "0.01", "--scaling", "standardize", "--master", "local[2]",
      "--partitions", "2"};

  /** Two blobs, 4 features, some exact zeros (LibSVM leaves them out). */
  private static void write(Path d, String name, int rows, long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder v = new StringBuilder();
    StringBuilder l = new StringBuilder();
    StringBuilder svm = new StringBuilder();
    List<Row> table = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int c = i % 2;
      Double[] x = new Double[4];
      svm.append(c);
      for (int f = 0; f < 4; f++) {
        x[f] = f == 3 && i % 3 == 0 ? 0.0 : Math.rint((c * 3 + r.nextGaussian()) * 1e4) / 1e4;
        v.append(f == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", x[f]));
        if (x[f] != 0) {
          svm.append(String.format(Locale.ROOT, " %d:%.4f", f + 1, x[f]));
        }
      }
      v.append('\n');
      l.append(c).append('\n');
      svm.append('\n');
      table.add(RowFactory.create(x, c));
    }
    Files.writeString(d.resolve(name + "_vectors.csv"), v);
    Files.writeString(d.resolve(name + "_labels.csv"), l);
    Files.writeString(d.resolve(name + ".libsvm"), svm);
    try (JavaSparkContext sc = TestSpark.start("local[1]")) {
      StructType schema = new StructType()
          .add("features", DataTypes.createArrayType(DataTypes.DoubleType))
          .add("label", DataTypes.IntegerType);
      SparkSession.builder().sparkContext(sc.sc()).getOrCreate().createDataFrame(table, schema)
          .coalesce(1).write().parquet(d.resolve(name + ".parquet").toString());
    }
  }

  private static String trained(Path d, Path out, String... data) {
    List<String> a = new ArrayList<>(List.of("train", "--out", out.toString()));
    a.addAll(List.of(data));
    a.addAll(List.of(FLAGS));
    CliRun run = CliRun.of(a.toArray(new String[0]));
    assertEquals(0, run.code(), run.toString());
    CliRun inspect = CliRun.of("inspect", "--model", out.toString());
    return TestJson.parse(inspect.out()).get("parameters_sha256").asText();
  }

  @Test
  void everyFormatTrainsTheSameBits(@TempDir Path d) throws Exception {
    write(d, "train", 300, 1);
    write(d, "test", 60, 2);
    String csv = trained(d, d.resolve("csv"), "--train-features",
        d.resolve("train_vectors.csv").toString(), "--train-labels",
        d.resolve("train_labels.csv").toString(), "--test-features",
        d.resolve("test_vectors.csv").toString(), "--test-labels",
        d.resolve("test_labels.csv").toString());
    String svm = trained(d, d.resolve("svm"), "--train-features",
        d.resolve("train.libsvm").toString(), "--test-features",
        d.resolve("test.libsvm").toString(), "--num-features", "4");
    String parquet = trained(d, d.resolve("pq"), "--train-features",
        d.resolve("train.parquet").toString(), "--test-features",
        d.resolve("test.parquet").toString());
    assertEquals(parquet, csv, "course CSV pair and Parquet");
    for (String cache : List.of("serialized", "none")) {
      assertEquals(csv, trained(d, d.resolve("csv-" + cache), "--train-features",
          d.resolve("train_vectors.csv").toString(), "--train-labels",
          d.resolve("train_labels.csv").toString(), "--test-features",
          d.resolve("test_vectors.csv").toString(), "--test-labels",
          d.resolve("test_labels.csv").toString(), "--cache", cache), "--cache " + cache);
    }
    assertEquals(4 * (4 + 1), TestJson.read(d.resolve("csv/metrics.json"))
        .get("shard_bytes_per_row").asInt(), "real-valued features stay floats");
    assertEquals(parquet, svm, "LibSVM and Parquet");
    assertEquals(Files.readAllLines(d.resolve("pq/test_predictions.csv")),
        Files.readAllLines(d.resolve("svm/test_predictions.csv")));
    // bf16 shards: 2 bytes per feature, lossy (other bits), about as accurate.
    String half = trained(d, d.resolve("pq-bf16"), "--train-features",
        d.resolve("train.parquet").toString(), "--test-features",
        d.resolve("test.parquet").toString(), "--shard-storage", "bf16");
    JsonNode m = TestJson.read(d.resolve("pq-bf16/metrics.json"));
    assertEquals(2 * 4 + 4, m.get("shard_bytes_per_row").asInt());
    assertEquals("bf16", m.get("config").get("shard_storage").asText());
    assertNotEquals(parquet, half, "bf16 rounds these features");
    double full = TestJson.read(d.resolve("pq/metrics.json")).get("test_accuracy").asDouble();
    assertTrue(m.get("test_accuracy").asDouble() >= full - 0.02, m.get("test_accuracy")
        + " against " + full);
  }

  /** An IDX file: magic (unsigned bytes, dims.length dimensions), dims, then the values. */
  private static byte[] idx(int[] dims, int[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
    b.putInt(0x800 | dims.length);
    for (int x : dims) {
      b.putInt(x);
    }
    for (int v : values) {
      b.put((byte) v);
    }
    return b.array();
  }

  private static byte[] gzip(byte[] raw) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }

  /** rows of 2×3 "images" of bytes in two classes, as IDX (plain, gzip), LibSVM, CSV pair. */
  private static void writeBytes(Path d, String name, int rows, long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    int[] px = new int[rows * 6];
    int[] labels = new int[rows];
    StringBuilder v = new StringBuilder();
    StringBuilder l = new StringBuilder();
    StringBuilder svm = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      labels[i] = i % 2;
      svm.append(labels[i]);
      for (int f = 0; f < 6; f++) {
        int x = f == 5 && i % 3 == 0 ? 0 : Math.min(255, Math.max(0,
            (int) Math.round(80 + 90 * labels[i] + 30 * r.nextGaussian())));
        px[i * 6 + f] = x;
        v.append(f == 0 ? "" : ",").append(x);
        if (x != 0) {
          svm.append(' ').append(f + 1).append(':').append(x);
        }
      }
      v.append('\n');
      l.append(labels[i]).append('\n');
      svm.append('\n');
    }
    byte[] images = idx(new int[] {rows, 2, 3}, px);
    byte[] labs = idx(new int[] {rows}, labels);
    Files.write(d.resolve(name + "-images-idx3-ubyte"), images);
    Files.write(d.resolve(name + "-labels-idx1-ubyte"), labs);
    Files.write(d.resolve(name + "-images-idx3-ubyte.gz"), gzip(images));
    Files.write(d.resolve(name + "-labels-idx1-ubyte.gz"), gzip(labs));
    Files.writeString(d.resolve(name + "_vectors.csv"), v);
    Files.writeString(d.resolve(name + "_labels.csv"), l);
    Files.writeString(d.resolve(name + ".libsvm"), svm);
  }

  private static String trainedBytes(Path d, String out, String train, String trainLabels,
      String test, String testLabels) {
    List<String> a = new ArrayList<>(List.of("train", "--out", d.resolve(out).toString(),
        "--train-features", d.resolve(train).toString(), "--test-features",
        d.resolve(test).toString()));
    if (trainLabels != null) {
      a.addAll(List.of("--train-labels", d.resolve(trainLabels).toString(), "--test-labels",
          d.resolve(testLabels).toString()));
    }
    a.addAll(List.of(FLAGS));
    a.set(a.indexOf("4-8-2"), "6-8-2");
    a.set(a.indexOf("standardize"), "scale255");
    a.addAll(List.of("--num-features", "6"));
    CliRun run = CliRun.of(a.toArray(new String[0]));
    assertEquals(0, run.code(), run.toString());
    CliRun inspect = CliRun.of("inspect", "--model", d.resolve(out).toString());
    return TestJson.parse(inspect.out()).get("parameters_sha256").asText();
  }

  @Test
  void idxTrainsTheSameBitsAsTheTextFormats(@TempDir Path d) throws Exception {
    writeBytes(d, "train", 301, 5);
    writeBytes(d, "test", 80, 6);
    String plain = trainedBytes(d, "idx", "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "test-images-idx3-ubyte", "test-labels-idx1-ubyte");
    String gz = trainedBytes(d, "idx-gz", "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz", "test-images-idx3-ubyte.gz", "test-labels-idx1-ubyte.gz");
    String svm = trainedBytes(d, "svm", "train.libsvm", null, "test.libsvm", null);
    String csv = trainedBytes(d, "csv", "train_vectors.csv", "train_labels.csv",
        "test_vectors.csv", "test_labels.csv");
    assertEquals(svm, plain, "plain IDX (record ranges) and LibSVM");
    assertEquals(plain, gz, "plain and gzip IDX");
    assertEquals(svm, csv, "LibSVM and the course pair");
    assertEquals(6 + 4, TestJson.read(d.resolve("idx/metrics.json"))
        .get("shard_bytes_per_row").asInt(), "byte features are stored as bytes");
    assertEquals(Files.readAllLines(d.resolve("svm/test_predictions.csv")),
        Files.readAllLines(d.resolve("idx-gz/test_predictions.csv")));
  }

  @Test
  void aMalformedLineIsNamedAndNothingIsWritten(@TempDir Path d) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      b.append(i % 2).append(" 1:").append(i % 7).append(i == 333 ? " 2:x\n" : " 2:1\n");
    }
    Files.writeString(d.resolve("bad.libsvm"), b);
    Path out = d.resolve("out");
    List<String> a = new ArrayList<>(List.of("train", "--out", out.toString(),
        "--train-features", d.resolve("bad.libsvm").toString(), "--test-features",
        d.resolve("bad.libsvm").toString()));
    a.addAll(List.of(FLAGS));
    a.set(a.indexOf("4-8-2"), "2-8-2");
    CliRun run = CliRun.of(a.toArray(new String[0]));
    assertEquals(d.resolve("bad.libsvm") + ", line 334, field 3: expected index:value, got "
        + "'2:x'", run.error(), run.toString());
    assertEquals(1, run.code());
    assertFalse(Files.exists(out));
  }
}
