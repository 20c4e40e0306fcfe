package org.sparkprop.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

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
    FloatList vals = new FloatList();
    IntList idx = new IntList();
    IntList rowStart = new IntList();
    FloatList labels = new FloatList();
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
      if (classes > 0) {
        int label;
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
        labels.add(label);
      }
      rowStart.add(idx.size);
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
        idx.add(k - 1);
        vals.add(v);
      }
      maxIndex = Math.max(maxIndex, last);
    }
    int n = rowStart.size;
    int width = features > 0 ? features : Math.max(1, maxIndex);
    if ((long) n * width > Integer.MAX_VALUE - 8) {
      throw new DataFormatException(name, "", n + " rows × " + width
          + " features do not fit one array; split the file");
    }
    float[] x = new float[n * width];
    for (int row = 0; row < n; row++) {
      int end = row + 1 < n ? rowStart.get(row + 1) : idx.size;
      for (int e = rowStart.get(row); e < end; e++) {
        x[row * width + idx.get(e)] = vals.get(e);
      }
    }
    float[] y = classes > 0 ? java.util.Arrays.copyOf(labels.data, n) : new float[n];
    return new Dataset(x, y, n, width, 1);
  }

  private static final class FloatList {
    float[] data = new float[1024];
    int size;

    void add(float v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    float get(int i) {
      return data[i];
    }
  }

  private static final class IntList {
    int[] data = new int[1024];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    int get(int i) {
      return data[i];
    }
  }
}
