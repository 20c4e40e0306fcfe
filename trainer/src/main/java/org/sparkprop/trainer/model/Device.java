package org.sparkprop.trainer.model;

import java.util.Locale;

/** Where a worker trains ({@code --device}); see {@link Engines#choose}. */
public enum Device {
  /** The GPU when one answers and the model has nothing the GPU path lacks, else the CPU. */
  AUTO,
  /** The CPU kernel. */
  CPU,
  /** The GPU; an error when there is none. */
  GPU;

  /** The command line's spelling. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
