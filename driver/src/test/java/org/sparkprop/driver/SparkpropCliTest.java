package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.driver.store.CheckpointStore;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.gpu.Gpu;
import org.sparkprop.trainer.io.Checkpoint;
import org.sparkprop.trainer.io.CheckpointCodec;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;

/** The command line on small generated course-project CSV data. */
public class SparkpropCliTest {
  /** Two Gaussian blobs in 4 dimensions, classes 0 and 1: separable. */
  public static void writeCsv(Path dir, String prefix, int rows, long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder v = new StringBuilder();
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      int c = i % 2;
      for (int f = 0; f < 4; f++) {
        v.append(f == 0 ? "" : ",").append(c * 3 + r.nextGaussian());
      }
      v.append('\n');
      l.append(c).append('\n');
    }
    Files.writeString(dir.resolve(prefix + "_vectors.csv"), v);
    Files.writeString(dir.resolve(prefix + "_labels.csv"), l);
  }

  public static String[] trainArgs(Path d, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--out", out.toString(),
        "--train-features", d.resolve("train_vectors.csv").toString(),
        "--train-labels", d.resolve("train_labels.csv").toString(),
        "--test-features", d.resolve("test_vectors.csv").toString(),
        "--test-labels", d.resolve("test_labels.csv").toString(),
        "--classes", "2", "--arch", "4-8-2", "--epochs", "15", "--batch", "16", "--lr", "0.01",
        "--scaling", "standardize", "--master", "local[2]"));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  @Test
  void trainsWritesOutputsAndPredictsTheSame(@TempDir Path d) throws Exception {
    writeCsv(d, "train", 200, 1);
    writeCsv(d, "test", 60, 2);
    Path out = d.resolve("out");
    assertEquals(0, SparkpropCli.run(trainArgs(d, out)));
    for (String f : List.of("model.spkm", "metrics.json", "metrics.csv", "test_predictions.csv",
        "train_predictions.csv", "report.html", "loss.png", "accuracy.png", "activations.png",
        "gradients.png")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    List<String> preds = Files.readAllLines(out.resolve("test_predictions.csv"));
    assertEquals(60, preds.size());
    long correct = 0;
    for (int i = 0; i < 60; i++) {
      correct += Integer.parseInt(preds.get(i)) == i % 2 ? 1 : 0;
    }
    assertTrue(correct >= 57, "separable blobs: " + correct + "/60");
    JsonNode metrics = TestJson.read(out.resolve("metrics.json"));
    assertEquals(correct / 60.0, metrics.get("test_accuracy").asDouble(), 1e-12);
    assertEquals(15, metrics.get("epochs").size());
    assertEquals(2, metrics.at("/config/partitions").asInt());
    assertEquals("gradient", metrics.at("/config/sync").asText());
    assertEquals(0.01, metrics.at("/config/lr").asDouble(), 0);
    // 4-8-2 with batch norm: 4×8 weights, 8 scales and 8 shifts, 8×2 weights and 2 biases.
    assertEquals(4 * 8 + 16 + 8 * 2 + 2, metrics.at("/config/parameters").asInt());
    List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
    List<String> header = List.of(csv.get(0).split(","));
    assertEquals(List.of("samples_per_second", "mean_gradient_norm", "hidden1_mean",
        "hidden1_sd", "hidden1_p05", "hidden1_p50", "hidden1_p95", "hidden1_dead_fraction",
        "layer1_W_grad_rms", "layer2_W_grad_rms"), header.subList(7, header.size()));
    String[] first = csv.get(1).split(",");
    double norm = Double.parseDouble(first[8]);
    assertEquals(metrics.at("/epochs/0/mean_gradient_norm").asDouble(), norm, 1e-5 * norm);
    assertTrue(norm > 0, csv.get(1));
    // The monitor: layer 3 is the hidden ReLU after batch norm; its statistics in both files.
    JsonNode relu = metrics.at("/layer_activation_stats/0/3:ActivationLayer");
    assertEquals(relu.get("mean").asDouble(), Double.parseDouble(first[9]), 1e-5);
    double dead = relu.get("dead_fraction").asDouble();
    assertTrue(dead >= 0 && dead <= 1, relu.toString());
    assertTrue(relu.get("p05").asDouble() <= relu.get("p50").asDouble()
        && relu.get("p50").asDouble() <= relu.get("p95").asDouble(), relu.toString());
    assertTrue(metrics.at("/layer_gradient_stats/14/layer1.W/sd").asDouble() > 0);
    String report = Files.readString(out.resolve("report.html"));
    for (String s : List.of("Test accuracy", "<h2>The run</h2>", "<h2>The data</h2>",
        "Where the time went", "time.png", "communication share of training", "dead ReLUs",
        "Test confusion matrix")) {
      assertTrue(report.contains(s), s);
    }
    assertFalse(report.contains("compute_seconds"), "words, not key names");
    // --device auto: where the two partitions computed, and why.
    boolean gpu = Gpu.probe(0).usable();
    JsonNode devices = metrics.get("devices");
    assertEquals(1, devices.size(), devices.toString());
    String line = devices.fieldNames().next();
    assertTrue(line.startsWith(gpu ? "device: gpu: " : "device: cpu (") && (gpu
        || line.contains("auto: no usable GPU (")), line);
    assertEquals(2, devices.get(line).asInt());
    // inspect: the model's shape and the checksums of its numbers, without Spark.
    CliRun inspect = CliRun.of("inspect", "--model", out.toString());
    assertEquals(0, inspect.code(), inspect.toString());
    JsonNode info = TestJson.parse(inspect.out());
    Model saved = ModelCodec.decode(Files.readAllBytes(out.resolve("model.spkm")), "m");
    assertEquals("4-8-2", info.get("arch").asText());
    // W1, batch norm's γ and β (no bias before batch norm), W2, b2.
    assertEquals(4 * 8 + 2 * 8 + 8 * 2 + 2, info.get("parameters").asInt());
    assertEquals(saved.params().length, info.get("parameters").asInt());
    ByteBuffer bytes = ByteBuffer.allocate(4 * saved.params().length);
    bytes.asFloatBuffer().put(saved.params());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(bytes.array())), info.get("parameters_sha256").asText());
    assertEquals(16, info.get("state").asInt(), "running mean and variance of 8 units");
    Path again = d.resolve("again.csv");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.resolve("model.spkm").toString(),
        "--features", d.resolve("test_vectors.csv").toString(), "--output", again.toString()));
    assertEquals(preds, Files.readAllLines(again));
    // Parquet with probabilities: same argmax, rows in input order, probabilities sum to 1.
    Path pq = d.resolve("pq");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.resolve("model.spkm").toString(),
        "--features", d.resolve("test_vectors.csv").toString(), "--output", pq.toString(),
        "--format", "parquet", "--master", "local[2]"));
    // Read back with Spark's defaults (Spark SQL's reader ships its own classes through Kryo).
    try (var sc = new JavaSparkContext(new SparkConf()
        .setMaster("local[1]").setAppName("read").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"))) {
      var rows = SparkSession.builder().sparkContext(sc.sc()).getOrCreate()
          .read().parquet(pq.toString()).orderBy("row").collectAsList();
      assertEquals(60, rows.size());
      for (int i = 0; i < 60; i++) {
        assertEquals(Integer.parseInt(preds.get(i)), rows.get(i).getInt(1), "row " + i);
        List<Float> p = rows.get(i).getList(2);
        assertEquals(1.0, p.get(0) + p.get(1), 1e-5);
      }
    }
  }

  /**
   * The ring exchange from the command line, with mid-epoch checkpoints: on two partitions it
   * trains the same parameters and state as the direct exchange (checked by inspect's
   * checksums) and writes the same checkpoints (resuming from them is tested in
   * DistributedEquivalenceTest).
   */
  @Test
  void theRingExchangeTrainsTheSameModelAsTheDirectOne(@TempDir Path d) throws Exception {
    writeCsv(d, "train", 200, 1);
    writeCsv(d, "test", 60, 2);
    String[] sums = new String[2];
    String[] exchanges = {"direct", "ring"};
    for (int e = 0; e < 2; e++) {
      Path out = d.resolve("out-" + exchanges[e]);
      CliRun run = CliRun.of(trainArgs(d, out, "--epochs", "4", "--exchange", exchanges[e],
          "--checkpoint-dir", d.resolve("ckpt-" + exchanges[e]).toString(),
          "--checkpoint-every", "3"));
      assertEquals(0, run.code(), run.toString());
      JsonNode info = TestJson.parse(CliRun.of("inspect", "--model", out.toString()).out());
      sums[e] = info.get("parameters_sha256").asText() + info.get("state_sha256").asText();
      assertEquals(exchanges[e], TestJson.read(out.resolve("metrics.json"))
          .at("/config/exchange").asText());
    }
    assertEquals(sums[0], sums[1]);
    // The bytes a worker moves per sync, 4-8-2 with batch norm: n = 66 parameters, S = 16
    // state values. Direct: a 36-byte header, the gradient and state out, the same size back.
    // Ring, 2 peers, sharded optimizer: the state, counts and the previous step's squared
    // norm part (S + 4 + 2 floats) all-reduced, the gradient (n) reduce-scattered and the
    // parameters (n) all-gathered: each floats × 4 bytes out and in once over the two phases,
    // and a 4-byte header per frame (4 frames out, 4 in). Before each of the 4 mid-epoch
    // snapshots and 4 epoch ends, the last step's norm is all-reduced on its own (2 floats,
    // 2 frames each way): 32 bytes. 24 syncs in all.
    assertEquals(36 + 2 * 4 * (66 + 16), workerBytesPerSync(d.resolve("out-direct")), 0);
    double perSync = 2 * 4 * (16 + 4 + 2 + 66) + 8 * 4;
    assertEquals((24 * perSync + 8 * 32) / 24, workerBytesPerSync(d.resolve("out-ring")), 0);
    for (String e : exchanges) {
      epochsAddUpToTheRun(d.resolve("out-" + e), 6);
    }
    Path alone = d.resolve("out-ring-1");
    assertEquals(0, CliRun.of(trainArgs(d, alone, "--epochs", "1", "--partitions", "1"))
        .code());
    assertEquals(0, workerBytesPerSync(alone), 0, "one partition exchanges nothing");
    // 180 training rows, 2 × 90 per epoch, 6 steps of 16: a mid-epoch checkpoint after step
    // 21 (every 3 steps) and the last epoch's end at 24; the two newest are kept.
    for (String f : List.of("step-000000021.spkc", "step-000000024.spkc")) {
      Checkpoint direct = CheckpointCodec.decode(Files.readAllBytes(
          d.resolve("ckpt-direct").resolve(f)), f);
      Checkpoint ring = CheckpointCodec.decode(Files.readAllBytes(
          d.resolve("ckpt-ring").resolve(f)), f);
      assertArrayEquals(direct.params(), ring.params(), f);
      assertArrayEquals(direct.state(), ring.state(), f);
      for (int o = 0; o < direct.optimizerState().size(); o++) {
        assertArrayEquals(direct.optimizerState().get(o), ring.optimizerState().get(o), f);
      }
      assertEquals(direct.stepInEpoch(), ring.stepInEpoch());
    }
  }

  /**
   * The ring's gradient buckets decide only when parts of the gradient travel: with a bucket
   * per layer (4-140-2 with batch norm and --bucket-kib 1: layer2, bn, layer1, each sent as
   * soon as the backward pass finishes it) and with one bucket, sharded or not, two partitions
   * train the same bits as the direct exchange.
   */
  @Test
  void theRingsGradientBucketsChangeNoBits(@TempDir Path d) throws Exception {
    writeCsv(d, "train", 200, 1);
    writeCsv(d, "test", 60, 2);
    String[][] runs = {{"--exchange", "direct"}, {"--exchange", "ring", "--bucket-kib", "1"},
        {"--exchange", "ring", "--bucket-kib", "4096"}, {"--exchange", "ring",
        "--no-shard-optimizer"}};
    List<String> sums = new ArrayList<>();
    for (int e = 0; e < runs.length; e++) {
      Path out = d.resolve("out-" + e);
      List<String> flags = new ArrayList<>(List.of("--epochs", "3", "--arch", "4-140-2",
          "--batch-norm"));
      flags.addAll(List.of(runs[e]));
      CliRun run = CliRun.of(trainArgs(d, out, flags.toArray(new String[0])));
      assertEquals(0, run.code(), run.toString());
      JsonNode info = TestJson.parse(CliRun.of("inspect", "--model", out.toString()).out());
      sums.add(info.get("parameters_sha256").asText() + info.get("state_sha256").asText());
    }
    assertEquals(List.of(sums.get(0), sums.get(0), sums.get(0), sums.get(0)), sums);
    assertEquals(1, TestJson.read(d.resolve("out-1").resolve("metrics.json"))
        .at("/config/bucket_kib").asInt());
    // The backward pass finishes the gradient at the layers' starts 0, 700 (batch norm) and 980
    // (the last dense layer; its 140 rows are one block of the weight-gradient product), so
    // 1 KiB (256-float) buckets cut it in three, which move the same floats as one bucket plus
    // a 4-byte frame header per chunk of the reduce-scatter: with 2 peers each bucket is one
    // chunk out and one in, 2 buckets more (the parameters' all-gather packs every bucket's
    // chunk into one frame either way).
    assertEquals(workerBytesPerSync(d.resolve("out-2")) + 2 * 2 * 4,
        workerBytesPerSync(d.resolve("out-1")), 0);
  }

  /**
   * bfloat16 on the wire: the gradient's reduce-scatter moves 2 bytes a value instead of 4
   * (everything else stays float), the run trains to the same accuracy on separable blobs,
   * and its parameters differ from the float run's (the partial sums were rounded).
   */
  @Test
  void bf16OnTheWireHalvesTheGradientsBytes(@TempDir Path d) throws Exception {
    writeCsv(d, "train", 200, 1);
    writeCsv(d, "test", 60, 2);
    List<String> sums = new ArrayList<>();
    for (String precision : List.of("fp32", "bf16")) {
      Path out = d.resolve("out-" + precision);
      CliRun run = CliRun.of(trainArgs(d, out, "--wire-precision", precision));
      assertEquals(0, run.code(), run.toString());
      JsonNode metrics = TestJson.read(out.resolve("metrics.json"));
      assertEquals(precision, metrics.at("/config/wire_precision").asText());
      assertTrue(metrics.get("test_accuracy").asDouble() >= 0.95, metrics.toString());
      sums.add(TestJson.parse(CliRun.of("inspect", "--model", out.toString()).out())
          .get("parameters_sha256").asText());
    }
    // 4-8-2 with batch norm, n = 66: the reduce-scatter sends and receives 33 values each way.
    assertEquals(workerBytesPerSync(d.resolve("out-fp32")) - 2 * 33 * 2,
        workerBytesPerSync(d.resolve("out-bf16")), 0);
    assertNotEquals(sums.get(0), sums.get(1));
  }

  /**
   * The XOR example (examples/xor/run.sh's flags on its truth table): a 2-4-1 sigmoid network
   * learns what no single layer of step units can, all four rows right.
   */
  @Test
  void learnsXorFromTheExample(@TempDir Path d) throws Exception {
    Path xor = Path.of("..", "examples", "xor").toAbsolutePath().normalize();
    Path out = d.resolve("xor");
    CliRun run = CliRun.of("train", "--out", out.toString(),
        "--train-features", xor.resolve("xor_vectors.csv").toString(),
        "--train-labels", xor.resolve("xor_labels.csv").toString(),
        "--test-features", xor.resolve("xor_vectors.csv").toString(),
        "--test-labels", xor.resolve("xor_labels.csv").toString(),
        "--arch", "2-4-1", "--activation", "sigmoid", "--loss", "sigmoid_bce", "--classes", "2",
        "--optimizer", "adam", "--lr", "0.3", "--schedule", "constant", "--epochs", "100",
        "--batch", "4", "--no-batch-norm", "--dropout", "0", "--val-fraction", "0",
        "--scaling", "none", "--master", "local[1]", "--partitions", "1");
    assertEquals(0, run.code(), run.toString());
    assertEquals(List.of("0", "1", "1", "0"), Files.readAllLines(out.resolve(
        "test_predictions.csv")));
    String script = Files.readString(xor.resolve("run.sh")).replaceAll("\\\\\n\\s*", "");
    assertTrue(script.contains("--arch 2-4-1 --activation sigmoid --loss sigmoid_bce --classes 2 "
        + "--optimizer adam --lr 0.3 --schedule constant --epochs 100 --batch 4 "
        + "--no-batch-norm --dropout 0 --val-fraction 0 --scaling none"),
        "the test runs what the example runs");
  }

  /**
   * Each epoch's row says where its sync time went (syncsPerEpoch syncs each), and the rows
   * add up to the run's seconds.
   */
  private static void epochsAddUpToTheRun(Path out, int syncsPerEpoch) throws Exception {
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    double[] sums = new double[3];
    String[] parts = {"compute_seconds", "communication_seconds", "driver_update_seconds"};
    for (JsonNode e : m.get("epochs")) {
      assertEquals(syncsPerEpoch, e.get("syncs").asLong(), e.toString());
      double step = 0;
      for (int i = 0; i < parts.length; i++) {
        sums[i] += e.get(parts[i]).asDouble();
        step += e.get(parts[i]).asDouble();
      }
      assertEquals(e.get("communication_seconds").asDouble() / step,
          e.get("communication_share").asDouble(), 1e-12, e.toString());
    }
    for (int i = 0; i < parts.length; i++) {
      assertEquals(m.at("/seconds/" + parts[i]).asDouble(), sums[i], 1e-9, parts[i]);
    }
  }

  private static double workerBytesPerSync(Path out) throws Exception {
    return TestJson.read(out.resolve("metrics.json")).at("/seconds/worker_bytes_per_sync")
        .asDouble(-1);
  }

  @Test
  void trainsOnLibSvm(@TempDir Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    for (String name : List.of("train", "test")) {
      StringBuilder b = new StringBuilder("# two blobs, sparse\n");
      for (int i = 0; i < (name.equals("train") ? 200 : 40); i++) {
        int c = i % 2;
        b.append(c);
        for (int f = 1; f <= 4; f++) {
          b.append(' ').append(f).append(':').append(c * 3 + r.nextGaussian());
        }
        b.append('\n');
      }
      Files.writeString(d.resolve(name + ".libsvm"), b);
    }
    Path out = d.resolve("out");
    assertEquals(0, SparkpropCli.run("train", "--out", out.toString(), "--train-features",
        d.resolve("train.libsvm").toString(), "--test-features",
        d.resolve("test.libsvm").toString(), "--classes", "2", "--arch", "4-8-2", "--epochs", "10",
        "--batch", "16", "--lr", "0.01", "--master", "local[2]", "--sync", "params",
        "--average-every", "2"));
    double acc = TestJson.read(out.resolve("metrics.json")).get("test_accuracy").asDouble();
    assertTrue(acc >= 0.95, "LibSVM blobs accuracy " + acc);
    Files.writeString(d.resolve("bad.libsvm"), "1 1:0.5 2:0.1\n0 3:1 2:4\n");
    CliRun bad = CliRun.of("train", "--out", d.resolve("o2").toString(),
        "--train-features", d.resolve("bad.libsvm").toString(), "--test-features",
        d.resolve("test.libsvm").toString(), "--classes", "2", "--arch", "4-8-2",
        "--master", "local[1]");
    assertEquals(1, bad.code(), bad.toString());
    assertEquals(d.resolve("bad.libsvm") + ", line 2, field 3: indices must be ≥ 1 and "
        + "increasing, got 2 after 3", bad.error());
    assertFalse(Files.exists(d.resolve("o2")), "no partial output");
  }

  @Test
  void trainsOnParquetAndCsvTables(@TempDir Path d) throws Exception {
    // Write the tables with Spark's defaults, then train through the command line.
    try (var sc = new JavaSparkContext(new SparkConf()
        .setMaster("local[1]").setAppName("write").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"))) {
      var spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      SplittableRandom r = new SplittableRandom(9);
      var arraySchema = new StructType()
          .add("features", DataTypes.createArrayType(
              DataTypes.DoubleType))
          .add("label", DataTypes.IntegerType);
      var csvSchema = new StructType()
          .add("a", DataTypes.DoubleType)
          .add("label", DataTypes.IntegerType)
          .add("b", DataTypes.DoubleType);
      for (String name : List.of("train", "test")) {
        List<Row> arr = new ArrayList<>();
        List<Row> tab = new ArrayList<>();
        for (int i = 0; i < (name.equals("train") ? 200 : 40); i++) {
          int c = i % 2;
          double a = c * 3 + r.nextGaussian();
          double b = c * 3 + r.nextGaussian();
          arr.add(RowFactory.create(List.of(a, b).toArray(new Double[0]), c));
          tab.add(RowFactory.create(a, c, b));
        }
        spark.createDataFrame(arr, arraySchema).repartition(3)
            .write().parquet(d.resolve(name + ".parquet").toString());
        spark.createDataFrame(tab, csvSchema).coalesce(1).write().option("header", "true")
            .csv(d.resolve(name + "-table.csv").toString());
      }
    }
    for (String fmt : List.of("parquet", "csv")) {
      Path out = d.resolve("out-" + fmt);
      String tr = fmt.equals("parquet") ? "train.parquet" : "train-table.csv";
      String te = fmt.equals("parquet") ? "test.parquet" : "test-table.csv";
      assertEquals(0, SparkpropCli.run("train", "--out", out.toString(), "--train-features",
          d.resolve(tr).toString(), "--test-features", d.resolve(te).toString(),
          "--input-format", fmt, "--classes", "2", "--arch", "2-8-2", "--epochs", "10",
          "--batch", "16", "--lr", "0.01", "--master", "local[2]"), fmt);
      double acc = TestJson.read(out.resolve("metrics.json")).get("test_accuracy").asDouble();
      assertTrue(acc >= 0.9, fmt + " accuracy " + acc);
      // The saved model on the same table, read on the executors: evaluate gives the training
      // run's test accuracy; predict gives its test predictions, as lines and as Parquet.
      String model = out.resolve("model.spkm").toString();
      String test = d.resolve(te).toString();
      CliRun eval = CliRun.of("evaluate", "--model", model, "--features", test,
          "--input-format", fmt, "--master", "local[2]");
      assertEquals(0, eval.code(), eval.toString());
      JsonNode answer = TestJson.parse(eval.out());
      assertEquals(40, answer.get("rows").asInt(), eval.out());
      assertEquals(acc, answer.get("accuracy").asDouble(), 1e-9, eval.out());
      List<String> trained = Files.readAllLines(out.resolve("test_predictions.csv"));
      Path lines = d.resolve("pred-" + fmt + ".csv");
      assertEquals(0, SparkpropCli.run("predict", "--model", model, "--features", test,
          "--input-format", fmt, "--output", lines.toString(), "--master", "local[2]"));
      assertEquals(trained, Files.readAllLines(lines));
      Path pq = d.resolve("pred-" + fmt + ".parquet");
      assertEquals(0, SparkpropCli.run("predict", "--model", model, "--features", test,
          "--input-format", fmt, "--output", pq.toString(), "--format", "parquet",
          "--master", "local[2]"));
      try (var sc = new JavaSparkContext(
          new SparkConf().setMaster("local[1]").setAppName("read")
              .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
              .set("spark.driver.bindAddress", "127.0.0.1"))) {
        var spark = SparkSession.builder().sparkContext(sc.sc())
            .getOrCreate();
        var rows = spark.read().parquet(pq.toString()).orderBy("row").collectAsList();
        assertEquals(40, rows.size());
        // The table's labels in the order Spark reads it, which is the prediction order.
        var input = fmt.equals("parquet") ? spark.read().parquet(test)
            : spark.read().option("header", "true").option("inferSchema", "true").csv(test);
        List<Row> labels = input.select("label").collectAsList();
        int right = 0;
        for (int i = 0; i < 40; i++) {
          assertEquals(i, rows.get(i).getLong(0));
          assertEquals(Integer.parseInt(trained.get(i)), rows.get(i).getInt(1), "row " + i);
          right += rows.get(i).getInt(1) == labels.get(i).getInt(0) ? 1 : 0;
        }
        assertEquals(acc, right / 40.0, 1e-9, "predictions line up with their rows");
      }
      assertEquals(2, SparkpropCli.run("predict", "--model", model, "--features", test,
          "--input-format", fmt, "--output", pq.toString(), "--format", "parquet",
          "--master", "local[1]"), "an existing Parquet output is not written over");
    }
    assertEquals(2, SparkpropCli.run("train", "--out", d.resolve("o3").toString(),
        "--train-features", d.resolve("train.parquet").toString(), "--test-features",
        d.resolve("test.parquet").toString(), "--input-format", "parquet", "--label-col", "y",
        "--classes", "2", "--arch", "2-8-2", "--master", "local[1]"));
    assertFalse(Files.exists(d.resolve("o3")));
  }

  /**
   * A loss that explodes but stays finite (plain SGD with a learning rate of 1000: about 1e27
   * after one epoch) is divergence too: exit code 1, the rule in the message, nothing written.
   */
  @Test
  void aFiniteExplosionIsDivergence(@TempDir Path d) throws Exception {
    writeCsv(d, "train", 200, 1);
    writeCsv(d, "test", 20, 2);
    Path out = d.resolve("out");
    CliRun run = CliRun.of(trainArgs(d, out, "--optimizer", "sgd", "--lr", "1000",
        "--schedule", "constant", "--no-batch-norm", "--dropout", "0", "--scaling", "none"));
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.error().matches("training diverged at epoch 1: the training loss [0-9.]+e"
        + "\\+[0-9]+ is over 1000 times a chance-level prediction's \\(0\\.6931\\) \\(lower "
        + "the learning rate or enable --clip-norm\\)"), run.error());
    assertFalse(Files.exists(out), "nothing published");
  }

  @ParameterizedTest(name = "{0} exchange")
  @ValueSource(strings = {"direct", "ring"})
  void divergenceStopsWithAClearErrorAndKeepsTheLastGoodCheckpoint(String exchange,
      @TempDir Path d) throws Exception {
    writeCsv(d, "train", 200, 1);
    writeCsv(d, "test", 20, 2);
    Path out = d.resolve("out");
    Path ckpt = d.resolve("ckpt");
    CliRun run = CliRun.of(trainArgs(d, out, "--optimizer", "sgd", "--lr", "1e12",
        "--schedule", "constant", "--no-batch-norm", "--dropout", "0", "--scaling", "none",
        "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1", "--exchange",
        exchange));
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.error().startsWith("training diverged at epoch 1, step "), run.error());
    assertFalse(Files.exists(out.resolve("model.spkm")), "no model from a diverged run");
    var store = new CheckpointStore(
        Fs.local(), ckpt.toUri().toString());
    var last = store.loadLatest();
    for (float v : last.params()) {
      assertTrue(Float.isFinite(v), "the last checkpoint holds finite parameters");
    }
  }
}
