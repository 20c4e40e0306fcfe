package org.sparkprop.driver.exchange;

import java.util.Locale;

/** How the ring sends the gradient's partial sums ({@code --wire-precision}). */
public enum WirePrecision {
  /** As 32-bit floats: the sums are exact to float rounding, as on one machine. */
  FP32,
  /**
   * As bfloat16 (the float's upper 16 bits, rounded to nearest even) in the reduce-scatter:
   * half the bytes; each partial sum keeps 8 significant bits on the wire and is added in
   * float. Parameters, state and counts always travel as floats.
   */
  BF16;

  /** The command line's spelling. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
