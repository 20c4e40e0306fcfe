package org.sparkprop.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.sparkprop.trainer.loss.Task;

/**
 * LibSVM text: one example per line, {@code label index:value index:value …} with 1-based,
 * increasing indices; blank lines and {@code #} comments are skipped. Labels are class indices
 * in [0, classes), real targets (comma-separated when several) or, multi-label, the indices of
 * the labels present ({@code 0,3 1:0.5 …}), see {@link Targets}. Errors name the file, line
 * and field.
 */
public final class LibSvmReader {
  private LibSvmReader() {}

  /**
   * Reads the file into a dataset of {@code features} columns (0 = the largest index seen).
   * With {@code classes} = 0 the labels are ignored (prediction input).
   */
  public static Dataset read(InputStream in, String name, int features, int classes)
      throws IOException {
    return read(in, name, features, classes > 0 ? Targets.classes(classes) : null);
  }

  /**
   * As above with targets as targets says ({@link Targets#parseLibSvm}: a class, real values,
   * or a label-index list); targets null ignores the labels (prediction input).
   */
  public static Dataset read(InputStream in, String name, int features, Targets targets)
      throws IOException {
    int tw = targets == null ? 1 : targets.perRow();
    float[] y = new float[1024 * tw];
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    LineParser parser = new LineParser(name, features, targets);
    Pairs entries = new Pairs();  // (column, value) of every stored entry
    Pairs rows = new Pairs();     // the first entry of every row
    int maxIndex = 0;
    String line;
    int ln = 0;
    while ((line = r.readLine()) != null) {
      ln++;
      int row = rows.size;
      if ((row + 1) * tw > y.length) {
        y = Arrays.copyOf(y, y.length * 2);
      }
      if (!parser.parse(line, ln, y, row * tw)) {
        continue;
      }
      rows.add(entries.size, 0);
      for (int e = 0; e < parser.entries(); e++) {
        entries.add(parser.index(e), parser.value(e));
      }
      maxIndex = Math.max(maxIndex, parser.lastIndex());
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
    return new Dataset(x, Arrays.copyOf(y, n * tw), n, width, tw);
  }

  /**
   * One LibSVM line at a time, with every check and message of the format (the driver's reader
   * and the executors' use the same): after {@link #parse} the row's entries are
   * {@link #index}/{@link #value} (0-based columns, increasing), valid until the next line.
   */
  public static final class LineParser {
    private final String name;
    private final int features;
    private final Targets targets;
    private final Pairs entries = new Pairs();
    private int last;

    /** For file name (in messages), features columns (0: any), targets (null: ignored). */
    public LineParser(String name, int features, Targets targets) {
      this.name = name;
      this.features = features;
      this.targets = targets;
    }

    /**
     * Parses line number ln: the targets into y[yOff, yOff + perRow), the entries kept; false
     * for a blank or comment-only line.
     *
     * @throws DataFormatException naming the file, line and field
     */
    public boolean parse(String line, long ln, float[] y, int yOff) throws DataFormatException {
      int hash = line.indexOf('#');
      String t = (hash >= 0 ? line.substring(0, hash) : line).trim();
      entries.size = 0;
      last = 0;
      if (t.isEmpty()) {
        return false;
      }
      // Fields split at whitespace runs (as \\s+), scanned in place: no string per field.
      int len = t.length();
      int end0 = fieldEnd(t, 0, len);
      String where = "line " + ln;
      // A multi-label row with no labels starts with its first feature.
      boolean noLabel = targets != null && targets.task() == Task.MULTILABEL
          && t.lastIndexOf(':', end0 - 1) >= 0;
      if (targets != null) {
        try {
          targets.parseLibSvm(noLabel ? "" : t.substring(0, end0), y, yOff);
        } catch (IllegalArgumentException e) {
          throw new DataFormatException(name, where + ", field 1", e.getMessage());
        }
      }
      int field = noLabel ? 0 : 1;
      int at = noLabel ? 0 : fieldStart(t, end0, len);
      while (at < len) {
        int end = fieldEnd(t, at, len);
        int colon = -1;
        for (int c = at; c < end; c++) {
          if (t.charAt(c) == ':') {
            colon = c;
            break;
          }
        }
        field++;
        int k;
        float v;
        try {
          if (colon <= at) {
            throw new NumberFormatException();
          }
          k = index(t, at, colon);
          v = Decimals.parse(t, colon + 1, end);
          if (Float.isNaN(v)) {
            v = Float.parseFloat(t.substring(colon + 1, end));
          }
        } catch (NumberFormatException e) {
          throw new DataFormatException(name, where + ", field " + field,
              "expected index:value, got '" + t.substring(at, end) + "'");
        }
        if (k <= last) {
          throw new DataFormatException(name, where + ", field " + field,
              "indices must be ≥ 1 and increasing, got " + k + " after " + last);
        }
        if (!Float.isFinite(v)) {
          throw new DataFormatException(name, where + ", field " + field, "value " + v
              + " is not finite");
        }
        if (features > 0 && k > features) {
          throw new DataFormatException(name, where + ", field " + field, "index " + k
              + " exceeds the " + features + " features");
        }
        last = k;
        entries.add(k - 1, v);
        at = fieldStart(t, end, len);
      }
      return true;
    }

    /** Where the field starting at from ends: the next whitespace, or len. */
    private static int fieldEnd(String t, int from, int len) {
      int i = from;
      while (i < len && !space(t.charAt(i))) {
        i++;
      }
      return i;
    }

    /** The next field's start after from: past the whitespace there, or len. */
    private static int fieldStart(String t, int from, int len) {
      int i = from;
      while (i < len && space(t.charAt(i))) {
        i++;
      }
      return i;
    }

    /** The characters \\s matches. */
    private static boolean space(char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** Integer.parseInt of t[from, to), its digits read in place when there are at most 9. */
    private static int index(String t, int from, int to) {
      if (to - from <= 9) {
        int v = 0;
        for (int i = from; i < to; i++) {
          int d = t.charAt(i) - '0';
          if (d < 0 || d > 9) {
            return Integer.parseInt(t.substring(from, to));
          }
          v = v * 10 + d;
        }
        return v;
      }
      return Integer.parseInt(t.substring(from, to));
    }

    /** Entries of the last line. */
    public int entries() {
      return entries.size;
    }

    /** Entry e's column (0-based). */
    public int index(int e) {
      return entries.ints[e];
    }

    public float value(int e) {
      return entries.floats[e];
    }

    /** The last line's largest (1-based) index; 0 without entries. */
    public int lastIndex() {
      return last;
    }
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
