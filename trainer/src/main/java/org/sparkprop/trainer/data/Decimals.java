package org.sparkprop.trainer.data;

/**
 * Plain decimal numbers read from text without building a string: the float
 * {@link Float#parseFloat} gives (correctly rounded), for the common case of the text readers'
 * values ({@code 0}, {@code 255}, {@code -0.125}, {@code 3.14159}). Anything else (exponents,
 * hex, NaN, more than 18 digits, values that would round at a float tie or fall outside the
 * normal floats) is left to {@link Float#parseFloat}: the caller falls back on NaN.
 *
 * <p>Why this is exact: with m below 2<sup>53</sup> and k at most 22, both m and 10<sup>k</sup>
 * are doubles, so d = m / 10<sup>k</sup> is the double nearest the decimal. Rounding d to a
 * float then gives the float nearest the decimal unless d lies exactly halfway between two
 * floats (no float tie can lie strictly between the decimal and its nearest double, since
 * every float tie is itself a double); that one case falls back.
 */
public final class Decimals {
  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private Decimals() {}

  /**
   * The float of s[from, to) (spaces around it, as {@link String#trim} removes them, ignored)
   * when it is a plain decimal: an optional sign, digits with at most one point, at least one
   * digit; else NaN.
   */
  public static float parse(CharSequence s, int from, int to) {
    while (from < to && s.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) <= ' ') {
      to--;
    }
    boolean negative = false;
    if (from < to && (s.charAt(from) == '-' || s.charAt(from) == '+')) {
      negative = s.charAt(from) == '-';
      from++;
    }
    long m = 0;
    int digits = 0;
    int fraction = -1;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.' && fraction < 0) {
        fraction = 0;
        continue;
      }
      int d = c - '0';
      if (d < 0 || d > 9 || ++digits > 18) {
        return Float.NaN;
      }
      m = m * 10 + d;
      if (fraction >= 0) {
        fraction++;
      }
    }
    if (digits == 0) {
      return Float.NaN;
    }
    if (m == 0) {
      return negative ? -0f : 0f;
    }
    int k = Math.max(fraction, 0);
    if (m >= 1L << 53 || k >= POW10.length) {
      return Float.NaN;
    }
    double d = m / POW10[k];
    if (d < Float.MIN_NORMAL || d > Float.MAX_VALUE
        || (Double.doubleToRawLongBits(d) & ((1L << 29) - 1)) == 1L << 28) {
      return Float.NaN;
    }
    float f = (float) d;
    return negative ? -f : f;
  }
}
