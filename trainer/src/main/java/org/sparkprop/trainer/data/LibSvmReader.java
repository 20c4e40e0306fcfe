package org.sparkprop.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * LibSVM text: one example per line, {@code label index:value index:value …} with 1-based,
 * increasing indices; blank lines and {@code #} comments are skipped. Labels are class indices
 * in [0, classes). Errors name the file, line and field.
 */
public final class LibSvmReader {
  private LibSvmReader() {}

  /**
   * Reads the file into a dataset of {@code features} columns (0 = the largest index seen).
   * With {@code classes} = 0 the labels are ignored (prediction input).
   */
  public static Dataset read(InputStream in, String name, int features, int classes)
      throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    Pairs entries = new Pairs();  // (column, value) of every stored entry
    Pairs rows = new Pairs();     // (first entry, label) of every row
    int maxIndex = 0;
    String line;
    int ln = 0;
    while ((line = r.readLine()) != null) {
      ln++;
      int hash = line.indexOf('#');
      String t = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (t.isEmpty()) {
        continue;
      }
      String[] f = t.split("\\s+");
      String where = "line " + ln;
      int label = 0;
      if (classes > 0) {
        try {
          double v = Double.parseDouble(f[0]);
          label = (int) v;
          if (label != v) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          throw new DataFormatException(name, where + ", field 1",
              "label '" + f[0] + "' is not an integer class");
        }
        if (label < 0 || label >= classes) {
          throw new DataFormatException(name, where + ", field 1", "label " + label
              + " outside [0, " + classes + ")");
        }
      }
      rows.add(entries.size, label);
      int last = 0;
      for (int i = 1; i < f.length; i++) {
        int colon = f[i].indexOf(':');
        int k;
        float v;
        try {
          if (colon <= 0) {
            throw new NumberFormatException();
          }
          k = Integer.parseInt(f[i].substring(0, colon));
          v = Float.parseFloat(f[i].substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new DataFormatException(name, where + ", field " + (i + 1),
              "expected index:value, got '" + f[i] + "'");
        }
        if (k <= last) {
          throw new DataFormatException(name, where + ", field " + (i + 1),
              "indices must be ≥ 1 and increasing, got " + k + " after " + last);
        }
        if (!Float.isFinite(v)) {
          throw new DataFormatException(name, where + ", field " + (i + 1), "value " + v
              + " is not finite");
        }
        if (features > 0 && k > features) {
          throw new DataFormatException(name, where + ", field " + (i + 1), "index " + k
              + " exceeds the " + features + " features");
        }
        last = k;
        entries.add(k - 1, v);
      }
      maxIndex = Math.max(maxIndex, last);
    }
    int n = rows.size;
    int width = features > 0 ? features : Math.max(1, maxIndex);
    if ((long) n * width > Integer.MAX_VALUE - 8) {
      throw new DataFormatException(name, "", n + " rows × " + width
          + " features do not fit one array; split the file");
    }
    float[] x = new float[n * width];
    for (int row = 0; row < n; row++) {
      int end = row + 1 < n ? rows.ints[row + 1] : entries.size;
      for (int e = rows.ints[row]; e < end; e++) {
        x[row * width + entries.ints[e]] = entries.floats[e];
      }
    }
    float[] y = Arrays.copyOf(rows.floats, n);
    return new Dataset(x, y, n, width, 1);
  }

  /** A growable list of (int, float) pairs. */
  private static final class Pairs {
    int[] ints = new int[1024];
    float[] floats = new float[1024];
    int size;

    void add(int i, float f) {
      if (size == ints.length) {
        ints = Arrays.copyOf(ints, size * 2);
        floats = Arrays.copyOf(floats, size * 2);
      }
      ints[size] = i;
      floats[size++] = f;
    }
  }
}
