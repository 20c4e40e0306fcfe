package org.sparkprop.trainer.layer;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Weight initialisation schemes (biases start at zero). I = fan-in, O = fan-out.
 * Xavier/Glorot: Glorot and Bengio 2010; He: He et al. 2015; LeCun: LeCun et al. 1998.
 */
public enum Init {
  /** U(−a, a), a = √(6/(I+O)). */
  XAVIER_UNIFORM,
  /** N(0, 2/(I+O)). */
  XAVIER_NORMAL,
  /** N(0, 2/I): for ReLU-family layers. */
  HE_NORMAL,
  /** U(−a, a), a = √(6/I). */
  HE_UNIFORM,
  /** U(−0.05, 0.05): the seeds' "small random weights". */
  SMALL_UNIFORM,
  /** N(0, 1/I): LeCun normal, randn/√I (the lecture's form of Xavier for the forward pass). */
  LECUN_NORMAL,
  /** He for ReLU-family activations, Xavier uniform otherwise. */
  AUTO;

  public static Init parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown init '" + s + "' (xavier_uniform, xavier_normal,"
          + " he_normal, he_uniform, small_uniform, lecun_normal, auto)");
    }
  }

  /** Fills p[off, off + fanIn·fanOut) for a (fanIn, fanOut) weight matrix. */
  public void fill(float[] p, int off, int fanIn, int fanOut, SplittableRandom rng) {
    int n = fanIn * fanOut;
    switch (this) {
      case XAVIER_UNIFORM: uniform(p, off, n, Math.sqrt(6.0 / (fanIn + fanOut)), rng); break;
      case XAVIER_NORMAL: normal(p, off, n, Math.sqrt(2.0 / (fanIn + fanOut)), rng); break;
      case HE_NORMAL: normal(p, off, n, Math.sqrt(2.0 / fanIn), rng); break;
      case HE_UNIFORM: uniform(p, off, n, Math.sqrt(6.0 / fanIn), rng); break;
      case SMALL_UNIFORM: uniform(p, off, n, 0.05, rng); break;
      case LECUN_NORMAL: normal(p, off, n, Math.sqrt(1.0 / fanIn), rng); break;
      default: throw new IllegalStateException("AUTO must be resolved before use");
    }
  }

  private static void uniform(float[] p, int off, int n, double a, SplittableRandom rng) {
    for (int i = 0; i < n; i++) {
      p[off + i] = (float) ((rng.nextDouble() * 2 - 1) * a);
    }
  }

  private static void normal(float[] p, int off, int n, double sd, SplittableRandom rng) {
    for (int i = 0; i < n; i++) {
      // Box–Muller from the caller's stream.
      double u = 1 - rng.nextDouble();
      double v = rng.nextDouble();
      p[off + i] = (float) (sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }
  }
}
