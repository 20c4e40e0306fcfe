package org.sparkprop.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the seeds' course-project layout: {@code *_vectors.csv} with one row of comma-separated
 * numbers per sample and {@code *_labels.csv} with one integer class per line. Every row must
 * have the same length; every value must be a finite number; every label an integer in
 * [0, classes), or, for regression and multi-label targets, a line of comma-separated values
 * ({@link Targets}). Errors name the file, the 1-based line, the 1-based field and the reason.
 */
public final class CsvReader {
  private CsvReader() {}

  public static Dataset readPair(InputStream vectors, String vectorsName, InputStream labels,
      String labelsName, int classes) throws IOException {
    return readPair(vectors, vectorsName, labels, labelsName, Targets.classes(classes));
  }

  /**
   * The pair with targets as targets says: a labels line holds a class, or
   * {@link Targets#perRow} comma-separated values (regression targets, multi-label 0/1 flags).
   */
  public static Dataset readPair(InputStream vectors, String vectorsName, InputStream labels,
      String labelsName, Targets targets) throws IOException {
    Dataset v = readVectors(vectors, vectorsName);
    int rows = v.rows();
    int tw = targets.perRow();
    float[] ys = new float[rows * tw];
    int count = 0;
    try (BufferedReader r = reader(labels)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String t = line.trim();
        if (t.isEmpty()) {
          continue;
        }
        if (count == rows) {
          throw new DataFormatException(labelsName, "line " + lineNo, "more labels than the "
              + rows + " rows of " + vectorsName);
        }
        try {
          targets.parse(t, ys, count * tw);
        } catch (IllegalArgumentException e) {
          throw new DataFormatException(labelsName, "line " + lineNo, e.getMessage());
        }
        count++;
      }
    }
    if (count != rows) {
      throw new DataFormatException(labelsName, "", count + " labels for " + rows + " rows of "
          + vectorsName);
    }
    return new Dataset(v.x(), ys, rows, v.features(), tw);
  }

  /** Reads a vectors file alone (for prediction); the targets of the result are all 0. */
  public static Dataset readVectors(InputStream vectors, String vectorsName) throws IOException {
    FloatList xs = new FloatList(1 << 20);
    int features = -1;
    int rows = 0;
    try (BufferedReader r = reader(vectors)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          if (lineNo == 1 || r.ready()) {
            throw new DataFormatException(vectorsName, "line " + lineNo, "empty line");
          }
          continue; // a trailing newline
        }
        int n = parseRow(line, vectorsName, lineNo, xs);
        if (features < 0) {
          features = n;
        } else if (n != features) {
          throw new DataFormatException(vectorsName, "line " + lineNo, "row has " + n
              + " values, the first row has " + features);
        }
        rows++;
      }
    }
    if (rows == 0) {
      throw new DataFormatException(vectorsName, "", "no rows");
    }
    return new Dataset(xs.toArray(), new float[rows], rows, features, 1);
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  /**
   * Appends the values of a vectors line (line number lineNo of file, for messages) to out;
   * returns how many. The driver's reader and the executors' use it.
   */
  public static int parseRow(String line, String file, long lineNo, FloatList out)
      throws DataFormatException {
    int n = 0;
    int start = 0;
    int len = line.length();
    while (true) {
      int comma = line.indexOf(',', start);
      int end = comma < 0 ? len : comma;
      n++;
      float plain = Decimals.parse(line, start, end);
      if (!Float.isNaN(plain)) {
        out.add(plain);
        if (comma < 0) {
          return n;
        }
        start = comma + 1;
        continue;
      }
      String field = line.substring(start, end).trim();
      if (field.isEmpty()) {
        throw new DataFormatException(file, "line " + lineNo + ", field " + n, "empty field");
      }
      float v;
      try {
        v = Float.parseFloat(field);
      } catch (NumberFormatException e) {
        throw new DataFormatException(file, "line " + lineNo + ", field " + n, "'" + field
            + "' is not a number");
      }
      if (!Float.isFinite(v)) {
        throw new DataFormatException(file, "line " + lineNo + ", field " + n, "value is " + field);
      }
      out.add(v);
      if (comma < 0) {
        return n;
      }
      start = comma + 1;
    }
  }

  /** A growable float array (no boxing). */
  public static final class FloatList {
    private float[] a;
    private int n;

    public FloatList(int cap) {
      a = new float[Math.max(1, cap)];
    }

    public void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    public int size() {
      return n;
    }

    /** The values, a copy. */
    public float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
