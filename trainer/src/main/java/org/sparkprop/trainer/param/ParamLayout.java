package org.sparkprop.trainer.param;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Assigns every tensor of a model a {@link Slice} of one flat {@code float[]}. Gradients and
 * optimizer state use the same layout, so averaging, updating and saving are single loops.
 * Non-trainable state (batch-norm running statistics) lives in a second layout of its own.
 */
public final class ParamLayout {
  private final List<Slice> slices = new ArrayList<>();
  private int total;

  /** Appends a tensor and returns its slice. */
  public Slice add(String name, int rows, int cols, boolean decay) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(name + ": negative shape");
    }
    if ((long) total + (long) rows * cols > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("model too large for one float[]");
    }
    Slice s = new Slice(name, total, rows, cols, decay);
    slices.add(s);
    total += s.size();
    return s;
  }

  public int total() {
    return total;
  }

  public List<Slice> slices() {
    return Collections.unmodifiableList(slices);
  }

  /** [start, end) pairs of the slices that take weight decay, merged where adjacent. */
  public int[] decayRanges() {
    List<int[]> r = new ArrayList<>();
    for (Slice s : slices) {
      if (!s.decay() || s.size() == 0) {
        continue;
      }
      if (!r.isEmpty() && r.get(r.size() - 1)[1] == s.offset()) {
        r.get(r.size() - 1)[1] = s.end();
      } else {
        r.add(new int[] {s.offset(), s.end()});
      }
    }
    int[] out = new int[r.size() * 2];
    for (int i = 0; i < r.size(); i++) {
      out[2 * i] = r.get(i)[0];
      out[2 * i + 1] = r.get(i)[1];
    }
    return out;
  }
}
