package org.sparkprop.driver.data;

import java.util.Locale;

/**
 * How input files are read ({@code --input-format}). The tables (Parquet, CSV) are read by the
 * executors; the other formats on the driver, then shipped.
 */
public enum InputFormat {
  /**
   * Chosen by name: .libsvm/.svm, .parquet, .csv (course-csv with a labels file, else csv),
   * else idx.
   */
  AUTO("auto"),
  /** IDX tensors (gzip or plain): images plus a labels file. */
  IDX("idx"),
  /** The course project's *_vectors.csv plus *_labels.csv pair (no header). */
  COURSE_CSV("course-csv"),
  /** LibSVM text: labels in the file, sparse 1-based features. */
  LIBSVM("libsvm"),
  /** Parquet: a features array or vector column and a label column. */
  PARQUET("parquet"),
  /** A CSV table with a header: the label column, every other column a feature. */
  CSV("csv");

  private final String flag;

  InputFormat(String flag) {
    this.flag = flag;
  }

  /** The command line's spelling. */
  @Override
  public String toString() {
    return flag;
  }

  /** The format a --input-format value names; the message lists the choices. */
  public static InputFormat parse(String s) {
    for (InputFormat f : values()) {
      if (f.flag.equalsIgnoreCase(s.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("expected one of auto, idx, course-csv, libsvm, "
        + "parquet, csv, got '" + s + "'");
  }

  /** Whether the executors read it (a Spark SQL table). */
  public boolean isTable() {
    return this == PARQUET || this == CSV;
  }

  /**
   * The concrete format of features (and labels, may be null) under this choice; AUTO goes by
   * the names. labelled is false for prediction input, where a .csv file is the course's
   * *_vectors.csv.
   */
  public InputFormat resolve(String features, String labels, boolean labelled) {
    if (this != AUTO) {
      return this;
    }
    String n = features.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (isLibSvmName(n)) {
      return LIBSVM;
    }
    if (n.endsWith(".parquet")) {
      return PARQUET;
    }
    if (n.endsWith(".csv")) {
      return labels != null || !labelled ? COURSE_CSV : CSV;
    }
    return IDX;
  }

  private static boolean isLibSvmName(String n) {
    return n.endsWith(".libsvm") || n.endsWith(".svm") || n.endsWith(".libsvm.txt");
  }
}
