package org.sparkprop.driver.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.KryoSetup;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.FashionMnist;

/**
 * Generated data sets larger than a driver's heap, written in every input format sparkprop
 * reads: IDX (byte rows only), the course CSV pair, LibSVM and Parquet. Row i is a function of
 * (seed, i) alone, so every format holds the same rows and a writer never holds more than one.
 * Every value is a multiple of 1/8 in [0, 255], exact as float and as the text written, so the
 * formats agree bit for bit.
 */
public final class LargeData {
  private LargeData() {}

  /** Row i's features into x, returning its class. */
  public interface RowFunction extends Serializable {
    int row(long i, float[] x);
  }

  /** The rows of a data set: features per row, classes, and row i as fn makes it. */
  public record Rows(int features, int classes, RowFunction fn) implements Serializable {
    /** Row i's features into x (length features()); its class. */
    public int row(long i, float[] x) {
      return fn.row(i, x);
    }
  }

  /** Row i's random numbers: a function of (seed, i) alone. */
  private static SplittableRandom random(long seed, long i) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
  }

  /**
   * Byte-valued rows (integers in 0..255, about 7 % non-zero) of classes classes: class c
   * lights a band of the features (each pixel with probability 0.4) over a little noise.
   */
  public static Rows synthetic(int features, int classes, long seed) {
    return new Rows(features, classes, (i, x) -> {
      SplittableRandom r = random(seed, i);
      int c = r.nextInt(classes);
      int from = (int) ((long) c * features / classes);
      int to = (int) ((long) (c + 1) * features / classes);
      for (int j = 0; j < features; j++) {
        boolean band = j >= from && j < to;
        x[j] = band ? (r.nextInt(10) < 4 ? 64 + r.nextInt(192) : 0)
            : r.nextInt(100) < 3 ? 1 + r.nextInt(255) : 0;
      }
      return c;
    });
  }

  /**
   * Rows of base repeated in order (row i is base row i mod n), every non-zero pixel moved by
   * Gaussian noise of sd sigma, rounded to 1/8 and kept in [0, 255]: real-valued features.
   */
  public static Rows jittered(Dataset base, float sigma, long seed) {
    byte[] pixels = new byte[base.rows() * base.features()];
    for (int k = 0; k < pixels.length; k++) {
      pixels[k] = (byte) (int) base.x()[k];
    }
    int[] labels = new int[base.rows()];
    for (int k = 0; k < labels.length; k++) {
      labels[k] = (int) base.y()[k];
    }
    int f = base.features();
    int n = base.rows();
    return new Rows(f, 10, (i, x) -> {
      SplittableRandom r = random(seed, i);
      int b = (int) (i % n);
      for (int j = 0; j < f; j++) {
        int p = pixels[b * f + j] & 0xFF;
        x[j] = p == 0 ? 0 : Math.max(0, Math.min(255,
            Math.round((p + r.nextGaussian() * sigma) * 8) / 8f));
      }
      return labels[b];
    });
  }

  /** IDX images and labels (rows must be bytes: integers in 0..255). */
  public static void writeIdx(Path images, Path labels, Rows rows, long n) throws IOException {
    int f = rows.features();
    try (DataOutputStream im = out(images); DataOutputStream lb = out(labels)) {
      im.writeInt(0x0803);
      im.writeInt(Math.toIntExact(n));
      im.writeInt(1);
      im.writeInt(f);
      lb.writeInt(0x0801);
      lb.writeInt(Math.toIntExact(n));
      float[] x = new float[f];
      byte[] b = new byte[f];
      for (long i = 0; i < n; i++) {
        int c = rows.row(i, x);
        for (int j = 0; j < f; j++) {
          if (x[j] != (int) x[j] || x[j] < 0 || x[j] > 255) {
            throw new IllegalArgumentException("IDX bytes: row " + i + " has " + x[j]);
          }
          b[j] = (byte) (int) x[j];
        }
        im.write(b);
        lb.write(c);
      }
    }
  }

  /** The course pair: comma-separated features per line, and a class per line. */
  public static void writeCourseCsv(Path vectors, Path labels, Rows rows, long n)
      throws IOException {
    int f = rows.features();
    try (DataOutputStream v = out(vectors); DataOutputStream l = out(labels)) {
      float[] x = new float[f];
      Text line = new Text(f * 12 + 16);
      for (long i = 0; i < n; i++) {
        int c = rows.row(i, x);
        line.reset();
        for (int j = 0; j < f; j++) {
          if (j > 0) {
            line.put(',');
          }
          line.number(x[j]);
        }
        line.put('\n');
        line.writeTo(v);
        line.reset();
        line.integer(c);
        line.put('\n');
        line.writeTo(l);
      }
    }
  }

  /** LibSVM: the class, then index:value for each non-zero feature (1-based). */
  public static void writeLibsvm(Path file, Rows rows, long n) throws IOException {
    int f = rows.features();
    try (DataOutputStream o = out(file)) {
      float[] x = new float[f];
      Text line = new Text(f * 16 + 16);
      for (long i = 0; i < n; i++) {
        int c = rows.row(i, x);
        line.reset();
        line.integer(c);
        for (int j = 0; j < f; j++) {
          if (x[j] != 0) {
            line.put(' ');
            line.integer(j + 1);
            line.put(':');
            line.number(x[j]);
          }
        }
        line.put('\n');
        line.writeTo(o);
      }
    }
  }

  /**
   * A Parquet table of the rows, one file in row order (features: a sparse ML vector, label:
   * int), written by one task of sc (Spark reads a table's files largest first, so one file
   * keeps the rows in order). Sparse vectors make it quick to write and small.
   */
  public static void writeParquet(JavaSparkContext sc, String path, Rows rows, long n) {
    JavaRDD<Row> table = sc.parallelize(List.of(0), 1).mapPartitions(it -> {
      float[] x = new float[rows.features()];
      int[] idx = new int[x.length];
      double[] val = new double[x.length];
      return new Iterator<Row>() {
        private long i;

        @Override
        public boolean hasNext() {
          return i < n;
        }

        @Override
        public Row next() {
          int c = rows.row(i++, x);
          int k = 0;
          for (int j = 0; j < x.length; j++) {
            if (x[j] != 0) {
              idx[k] = j;
              val[k++] = x[j];
            }
          }
          return RowFactory.create(Vectors.sparse(x.length, Arrays.copyOf(idx, k),
              Arrays.copyOf(val, k)), c);
        }
      };
    });
    StructType schema = new StructType()
        .add("features", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.IntegerType, false);
    SparkSession.builder().sparkContext(sc.sc()).getOrCreate().createDataFrame(table, schema)
        .write().parquet(path);
  }

  /**
   * Writes a data set in every format: {@code LargeData synthetic DIR ROWS [SEED]} makes
   * DIR/train (byte rows, {@link #synthetic}) as IDX, the course CSV pair, LibSVM and Parquet;
   * {@code LargeData fashion DIR ROWS [SIGMA]} makes DIR/train (Fashion-MNIST's training rows
   * repeated with jitter, {@link #jittered}) and DIR/test (its test set as it is) as LibSVM
   * and Parquet. Prints one JSON object: the seconds and bytes each file took.
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    long n = Long.parseLong(args[2]);
    boolean fashion = args[0].equals("fashion");
    StringBuilder json = new StringBuilder("{\"rows\": " + n);
    try (JavaSparkContext sc = new JavaSparkContext(KryoSetup.configure(new SparkConf())
        .setMaster("local[2]").setAppName("large-data").set("spark.driver.host", "127.0.0.1")
        .set("spark.ui.enabled", "false"))) {
      sc.setLogLevel("WARN");
      if (fashion) {
        Dataset[] fm = FashionMnist.load(FashionMnist.defaultDir());
        float sigma = args.length > 3 ? Float.parseFloat(args[3]) : 8;
        Rows train = jittered(fm[0], sigma, 1);
        Rows test = jittered(fm[1], 0, 2);
        json.append(timed(dir.resolve("train.libsvm"), () -> writeLibsvm(
            dir.resolve("train.libsvm"), train, n)));
        json.append(timed(dir.resolve("train.parquet"), () -> writeParquet(sc,
            dir.resolve("train.parquet").toString(), train, n)));
        json.append(timed(dir.resolve("test.libsvm"), () -> writeLibsvm(
            dir.resolve("test.libsvm"), test, fm[1].rows())));
        json.append(timed(dir.resolve("test.parquet"), () -> writeParquet(sc,
            dir.resolve("test.parquet").toString(), test, fm[1].rows())));
      } else {
        Rows rows = synthetic(784, 10, args.length > 3 ? Long.parseLong(args[3]) : 1);
        json.append(timed(dir.resolve("train-images.idx"), () -> writeIdx(
            dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"), rows, n)));
        json.append(timed(dir.resolve("train_vectors.csv"), () -> writeCourseCsv(
            dir.resolve("train_vectors.csv"), dir.resolve("train_labels.csv"), rows, n)));
        json.append(timed(dir.resolve("train.libsvm"), () -> writeLibsvm(
            dir.resolve("train.libsvm"), rows, n)));
        json.append(timed(dir.resolve("train.parquet"), () -> writeParquet(sc,
            dir.resolve("train.parquet").toString(), rows, n)));
      }
    }
    System.out.println(json.append("}"));
  }

  /** A writing step, for main. */
  private interface Step {
    void run() throws IOException;
  }

  /** ", name: {seconds, bytes}" of running step, which writes file (or folder). */
  private static String timed(Path file, Step step) throws IOException {
    long t = System.nanoTime();
    step.run();
    double seconds = (System.nanoTime() - t) / 1e9;
    long bytes;
    try (Stream<Path> s = Files.walk(file)) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    return String.format(Locale.ROOT, ", \"%s\": {\"seconds\": %.1f, \"bytes\": %d}",
        file.getFileName(), seconds, bytes);
  }

  private static DataOutputStream out(Path p) throws IOException {
    Path dir = p.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(p), 1 << 20));
  }

  /** A line being formatted, as ASCII bytes (no per-number allocation). */
  private static final class Text {
    private static final String[] EIGHTHS = {"", ".125", ".25", ".375", ".5", ".625", ".75",
        ".875"};
    private final byte[] digits = new byte[20];
    private byte[] b;
    private int n;

    Text(int capacity) {
      b = new byte[capacity];
    }

    void reset() {
      n = 0;
    }

    void put(char c) {
      if (n == b.length) {
        b = Arrays.copyOf(b, 2 * b.length);
      }
      b[n++] = (byte) c;
    }

    void integer(long v) {
      if (v == 0) {
        put('0');
        return;
      }
      int k = 0;
      for (long u = v; u > 0; u /= 10) {
        digits[k++] = (byte) ('0' + u % 10);
      }
      while (k > 0) {
        put((char) digits[--k]);
      }
    }

    /** v ≥ 0, a multiple of 1/8. */
    void number(float v) {
      int eighths = Math.round(v * 8);
      if (eighths != v * 8 || v < 0) {
        throw new IllegalArgumentException("not a non-negative multiple of 1/8: " + v);
      }
      integer(eighths / 8);
      String frac = EIGHTHS[eighths % 8];
      for (int k = 0; k < frac.length(); k++) {
        put(frac.charAt(k));
      }
    }

    void writeTo(OutputStream o) throws IOException {
      o.write(b, 0, n);
    }
  }
}
