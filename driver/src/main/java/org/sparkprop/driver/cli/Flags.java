package org.sparkprop.driver.cli;

import java.util.function.Supplier;

/**
 * Flag checks shared by the commands: every check names its flag, and all of them run before
 * Spark starts.
 */
final class Flags {
  private Flags() {}

  /** The value that make builds from flag's text; its IllegalArgumentException names the flag. */
  static <T> T parse(String flag, Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw named(flag, e);
    }
  }

  /** Fails, naming the flag, unless v ≥ min. */
  static void atLeast(String flag, long v, long min) {
    if (v < min) {
      throw new IllegalArgumentException(flag + " must be ≥ " + min + ", got " + v);
    }
  }

  /** Fails, naming the flag, unless v is finite and in [lo, hi) (or [lo, hi] when closed). */
  static void inRange(String flag, double v, double lo, double hi, boolean closed) {
    if (!(v >= lo && (closed ? v <= hi : v < hi))) {
      throw new IllegalArgumentException(flag + " must be in [" + fmt(lo) + ", " + fmt(hi)
          + (closed ? "]" : ")") + ", got " + fmt(v));
    }
  }

  /** Fails, naming the flag, unless v is finite and positive. */
  static void positive(String flag, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(flag + " must be > 0, got " + fmt(v));
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static IllegalArgumentException named(String flag, IllegalArgumentException e) {
    String m = e.getMessage() == null ? "invalid value" : e.getMessage();
    return m.startsWith("--") ? e : new IllegalArgumentException(flag + ": " + m, e);
  }
}
