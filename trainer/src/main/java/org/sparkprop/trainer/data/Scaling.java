package org.sparkprop.trainer.data;

import java.util.Locale;

/** The input scalings {@link Normalizer} fits ({@code --scaling}). */
public enum Scaling {
  /** Shift 0, scale 1/255: pixels to [0, 1]. */
  SCALE255,
  /** The training mean and 1/standard deviation per feature (1 where a feature is constant). */
  STANDARDIZE,
  /** Identity. */
  NONE;

  /** The command line's and the model file's spelling. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scaling a name (any case) names; the message lists the choices. */
  public static Scaling parse(String s) {
    for (Scaling k : values()) {
      if (k.toString().equalsIgnoreCase(s.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown scaling '" + s + "' (scale255, standardize, "
        + "none)");
  }
}
