package org.sparkprop.driver;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.sparkprop.driver.io.Fs;
import org.sparkprop.trainer.data.CsvReader;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.data.IdxReader;
import org.sparkprop.trainer.data.LibSvmReader;

/**
 * Reads examples through Hadoop FileSystem URIs. Formats: idx (gzip or plain), course-csv (the
 * seeds' *_vectors.csv + *_labels.csv pair), libsvm (labels in the file), parquet (a features
 * array/vector column and a label column) and csv (a table with a header: a label column, every
 * other column a feature). "auto" picks by name: .libsvm/.svm, .parquet, .csv (course-csv with
 * a labels file, else csv), else idx.
 */
final class DataSource {
  private DataSource() {}

  /** Input options for the tables read by Spark SQL. */
  record Table(String format, String featuresCol, String labelCol) {
    static Table auto() {
      return new Table("auto", "features", "label");
    }
  }

  static String resolveFormat(String format, String features, String labels) {
    String f = format.toLowerCase(Locale.ROOT);
    if (!f.equals("auto")) {
      if (!java.util.Set.of("idx", "course-csv", "libsvm", "parquet", "csv").contains(f)) {
        throw new IllegalArgumentException("--input-format must be auto, idx, course-csv, "
            + "libsvm, parquet or csv, got '" + format + "'");
      }
      return f;
    }
    String n = features.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (isLibSvm(n)) {
      return "libsvm";
    }
    if (n.endsWith(".parquet")) {
      return "parquet";
    }
    if (n.endsWith(".csv")) {
      return labels != null ? "course-csv" : "csv";
    }
    return "idx";
  }

  /** Any format; sc may be null for the formats read on the driver. */
  static Dataset read(org.apache.spark.api.java.JavaSparkContext sc, Fs fs, String features,
      String labels, int classes, int width, Table table) throws IOException {
    String fmt = resolveFormat(table.format(), features, labels);
    if (fmt.equals("parquet") || fmt.equals("csv")) {
      return org.sparkprop.driver.data.TableSource.read(sc, features, fmt, table.featuresCol(),
          table.labelCol(), classes);
    }
    if (fmt.equals("libsvm")) {
      try (InputStream f = fs.open(features)) {
        return LibSvmReader.read(f, Fs.redact(features), width, classes);
      }
    }
    return read(fs, features, labels, classes, width);
  }

  static boolean isLibSvm(String uri) {
    String n = uri.toLowerCase(Locale.ROOT);
    return n.endsWith(".libsvm") || n.endsWith(".svm") || n.endsWith(".libsvm.txt");
  }

  /** A labelled dataset; labels may be null for LibSVM. features: LibSVM width (0 = infer). */
  static Dataset read(Fs fs, String features, String labels, int classes, int width)
      throws IOException {
    String redF = Fs.redact(features);
    if (isLibSvm(features)) {
      try (InputStream f = fs.open(features)) {
        return LibSvmReader.read(f, redF, width, classes);
      }
    }
    if (labels == null) {
      throw new IllegalArgumentException(redF + ": a labels file is needed (only LibSVM "
          + "carries its labels)");
    }
    try (InputStream f = fs.open(features); InputStream l = fs.open(labels)) {
      if (features.toLowerCase(Locale.ROOT).endsWith(".csv")) {
        return CsvReader.readPair(f, redF, l, Fs.redact(labels), classes);
      }
      return IdxReader.readPair(f, redF, l, Fs.redact(labels), classes);
    }
  }

  /** Features only (for prediction). */
  static Dataset readFeatures(Fs fs, String features, int width) throws IOException {
    String red = Fs.redact(features);
    try (InputStream in = fs.open(features)) {
      if (isLibSvm(features)) {
        return LibSvmReader.read(in, red, width, 0);
      }
      if (features.toLowerCase(Locale.ROOT).endsWith(".csv")) {
        return CsvReader.readVectors(in, red);
      }
      IdxReader.Tensor t = IdxReader.read(in, red);
      int n = t.dims()[0];
      return new Dataset(t.values(), new float[n], n, n == 0 ? 1 : t.values().length / n, 1);
    }
  }

  /** [train, test] of Fashion-MNIST from dir (a local folder or any URI; default location). */
  static Dataset[] fashionMnist(Fs fs, String dir) throws IOException {
    if (dir == null) {
      return FashionMnist.load(FashionMnist.defaultDir());
    }
    String scheme = Fs.path(dir).toUri().getScheme();
    if (scheme == null || scheme.equals("file")) {
      return FashionMnist.load(java.nio.file.Path.of(Fs.path(dir).toUri().getPath()));
    }
    String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    Dataset[] out = new Dataset[2];
    for (int s = 0; s < 2; s++) {
      String img = pick(fs, dir, names[2 * s]);
      String lab = pick(fs, dir, names[2 * s + 1]);
      out[s] = read(fs, img, lab, 10, 0);
    }
    return out;
  }

  private static String pick(Fs fs, String dir, String base) throws IOException {
    String gz = Fs.child(dir, base + ".gz");
    return fs.exists(gz) ? gz : Fs.child(dir, base);
  }
}
