package org.sparkprop.trainer.kernel;

import org.sparkprop.trainer.rng.Rng;

/**
 * The elementwise loops of a training step over flat arrays, outside the matrix products:
 * the optimizers' per-parameter updates (Adam, the RMS family), the gradient's sum of
 * squares, dropout masks, ReLU forward (bias fused) and backward, and bias gradients as
 * column sums (fused with ReLU's gradient). With 0.5 M parameters the scalar update loops,
 * each with a square root and a division per element, cost more than a millisecond per step.
 * Two implementations, chosen once per JVM with the GEMM kernel ({@link Kernels#elementwise()}):
 * plain Java, and the Vector API. Both evaluate the same float operations in the same order
 * (no fused multiply-add, correctly rounded square root and division), so they give
 * bit-identical results, except {@link #sumSquares}, whose partial sums are added in another
 * order (see there).
 */
public abstract class Elementwise {
  /**
   * Adam's moments and step on [0, n): m ← b1·m + (1−b1)·g; v ← b2·v + (1−b2)·g·g;
   * p ← p − stepSize·m / (√v · invSqrtC2 + eps).
   */
  public final void adam(float[] p, float[] g, float[] m, float[] v, int n, float b1, float b2,
      float stepSize, float invSqrtC2, float eps) {
    adam(p, g, m, v, 0, n, b1, b2, stepSize, invSqrtC2, eps);
  }

  /**
   * {@link #adam(float[], float[], float[], float[], int, float, float, float, float, float)}
   * on [from, to) only: each element gets the same bits as in a call over the whole array
   * (a worker that updates its shard of the parameters).
   */
  public final void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
      float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    adam(p, g, m, v, from, to, 1f, b1, b2, stepSize, invSqrtC2, eps);
  }

  /**
   * Adam on [from, to) after the decoupled weight decay p ← decay·p (AdamW; decay = 1 for
   * none), in one pass over the arrays: each element gets the bits of p[i] *= decay followed
   * by {@link #adam(float[], float[], float[], float[], int, int, float, float, float, float,
   * float)}.
   */
  public abstract void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
      float decay, float b1, float b2, float stepSize, float invSqrtC2, float eps);

  /**
   * The root-mean-square family on [0, n) (RMSProp with decay = ρ, gain = 1−ρ; AdaGrad with
   * decay = gain = 1): v ← decay·v + gain·g·g; p ← p − lr·g / (√v + eps).
   */
  public final void rms(float[] p, float[] g, float[] v, int n, float decay, float gain,
      float lr, float eps) {
    rms(p, g, v, 0, n, decay, gain, lr, eps);
  }

  /** {@link #rms(float[], float[], float[], int, float, float, float, float)} on [from, to). */
  public abstract void rms(float[] p, float[] g, float[] v, int from, int to, float decay,
      float gain, float lr, float eps);

  /**
   * Σ x[i]² over [from, to) in double. The two paths add in different orders (independent
   * partial sums), so their results may differ in the last bits; each is deterministic.
   */
  public abstract double sumSquares(float[] x, int from, int to);

  /**
   * x[i] *= scale on [from, to), then {@link #sumSquares} of the result, in one pass: the same
   * bits as the two calls (the gradient sum made a mean and its squared norm).
   */
  public abstract double scaleSumSquares(float[] x, int from, int to, float scale);

  /**
   * The inverted-dropout mask on [0, n): element i is {@code scale} (kept) when the (i+1)-th
   * draw of the SplitMix64 stream from seed, as the uniform u = (z >>> 40)·2⁻²⁴, is below keep,
   * else 0. Exactly {@code Rng.reseed(seed)} followed by n × {@code nextFloat() < keep}, on
   * both paths: the draws are integer arithmetic, so the vector path is bit-identical.
   */
  public abstract void dropoutMask(long seed, float[] mask, int n, float keep, float scale);

  /**
   * ReLU with the bias fused, in place: y (rows, cols) ← max(y + bias (cols), 0), as
   * {@code v > 0 ? v : 0f} (so −0 and NaN become 0, like the scalar activation). bias may be
   * null.
   */
  public abstract void reluBias(float[] y, float[] bias, int biasOff, int rows, int cols);

  /** ReLU's gradient from its output: dx (n) ← y > 0 ? dy : 0. dx may be dy. */
  public abstract void reluBackward(float[] y, float[] dy, float[] dx, int n);

  /**
   * Bias gradient: g[gOff + j] += Σ_r x[r·cols + j] for x (rows, cols), each column summed in
   * row order (so every implementation gives the same bits).
   */
  public abstract void columnSums(float[] x, int rows, int cols, float[] g, int gOff);

  /**
   * ReLU's gradient fused with the bias gradient, one pass over dy (rows, cols): dy ← y > 0 ?
   * dy : 0 in place, then g[gOff + j] += Σ_r dy[r·cols + j] (row order, as {@link #columnSums}).
   */
  public abstract void reluBackwardColumnSums(float[] y, float[] dy, int rows, int cols,
      float[] g, int gOff);

  /** Scalar reference of {@link #reluBackwardColumnSums} (relu false: {@link #columnSums}). */
  static void columnSumsScalar(float[] y, float[] x, boolean relu, int rows, int cols,
      float[] g, int gOff, int from) {
    for (int j = from; j < cols; j++) {
      float acc = g[gOff + j];
      for (int r = 0, i = j; r < rows; r++, i += cols) {
        float v = x[i];
        if (relu) {
          v = y[i] > 0 ? v : 0f;
          x[i] = v;
        }
        acc += v;
      }
      g[gOff + j] = acc;
    }
  }

  /** Scalar reference of {@link #reluBias} on row r, columns [from, cols). */
  static void reluBiasScalar(float[] y, float[] bias, int biasOff, int o, int from, int cols) {
    for (int j = from; j < cols; j++) {
      float v = bias == null ? y[o + j] : y[o + j] + bias[biasOff + j];
      y[o + j] = v > 0 ? v : 0f;
    }
  }

  /** Scalar reference of {@link #reluBackward} on [from, to). */
  static void reluBackwardScalar(float[] y, float[] dy, float[] dx, int from, int to) {
    for (int i = from; i < to; i++) {
      dx[i] = y[i] > 0 ? dy[i] : 0f;
    }
  }

  /** u < keep ⟺ (z >>> 40) < ⌈keep·2²⁴⌉: keep·2²⁴ is exact in double. */
  static long keepThreshold(float keep) {
    return (long) Math.ceil(keep * 0x1.0p24);
  }

  /** Scalar reference of {@link #dropoutMask} on [from, to). */
  static void dropoutMaskScalar(long seed, float[] mask, int from, int to, float keep,
      float scale) {
    long threshold = keepThreshold(keep);
    for (int i = from; i < to; i++) {
      long z = Rng.mix(seed + (i + 1) * Rng.GOLDEN);
      mask[i] = (z >>> 40) < threshold ? scale : 0f;
    }
  }

  /** Scalar reference of {@link #adam} on [from, to): the vector path's tail. */
  static void adamScalar(float[] p, float[] g, float[] m, float[] v, int from, int to,
      float decay, float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    final float c1 = 1 - b1;
    final float c2 = 1 - b2;
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtC2 + eps);
    }
  }

  /** Scalar reference of {@link #rms} on [from, to). */
  static void rmsScalar(float[] p, float[] g, float[] v, int from, int to, float decay,
      float gain, float lr, float eps) {
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float vi = decay * v[i] + gain * gi * gi;
      v[i] = vi;
      p[i] -= lr * gi / ((float) Math.sqrt(vi) + eps);
    }
  }

  /** Which implementation: {@code "vector"} or {@code "java"}. */
  public abstract String name();

  static void checkRange(int from, int to, float[]... arrays) {
    if (from < 0 || from > to) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") is not a range");
    }
    check(to, arrays);
  }

  static void check(int n, float[]... arrays) {
    for (float[] a : arrays) {
      if (a.length < n) {
        throw new IllegalArgumentException("array of " + a.length + " elements, need " + n);
      }
    }
  }

  /** The plain-Java implementation. */
  static final class Plain extends Elementwise {
    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
        float decay, float b1, float b2, float stepSize, float invSqrtC2, float eps) {
      checkRange(from, to, p, g, m, v);
      adamScalar(p, g, m, v, from, to, decay, b1, b2, stepSize, invSqrtC2, eps);
    }

    @Override
    public void rms(float[] p, float[] g, float[] v, int from, int to, float decay, float gain,
        float lr, float eps) {
      checkRange(from, to, p, g, v);
      rmsScalar(p, g, v, from, to, decay, gain, lr, eps);
    }

    @Override
    public void dropoutMask(long seed, float[] mask, int n, float keep, float scale) {
      check(n, mask);
      dropoutMaskScalar(seed, mask, 0, n, keep, scale);
    }

    @Override
    public void reluBias(float[] y, float[] bias, int biasOff, int rows, int cols) {
      check(rows * cols, y);
      for (int r = 0; r < rows; r++) {
        reluBiasScalar(y, bias, biasOff, r * cols, 0, cols);
      }
    }

    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int n) {
      check(n, y, dy, dx);
      reluBackwardScalar(y, dy, dx, 0, n);
    }

    @Override
    public void columnSums(float[] x, int rows, int cols, float[] g, int gOff) {
      check(rows * cols, x);
      check(gOff + cols, g);
      columnSumsScalar(null, x, false, rows, cols, g, gOff, 0);
    }

    @Override
    public void reluBackwardColumnSums(float[] y, float[] dy, int rows, int cols, float[] g,
        int gOff) {
      check(rows * cols, y, dy);
      check(gOff + cols, g);
      columnSumsScalar(y, dy, true, rows, cols, g, gOff, 0);
    }

    @Override
    public double sumSquares(float[] x, int from, int to) {
      return squares(x, from, to, 1f, false);
    }

    @Override
    public double scaleSumSquares(float[] x, int from, int to, float scale) {
      return squares(x, from, to, scale, true);
    }

    /** Σ x² over [from, to), first x *= scale in place when scaling. */
    private static double squares(float[] x, int from, int to, float scale, boolean scaling) {
      // Four partial sums, so the adds do not wait on each other.
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int i = from;
      for (; i + 3 < to; i += 4) {
        float a = x[i];
        float b = x[i + 1];
        float c = x[i + 2];
        float d = x[i + 3];
        if (scaling) {
          a *= scale;
          b *= scale;
          c *= scale;
          d *= scale;
          x[i] = a;
          x[i + 1] = b;
          x[i + 2] = c;
          x[i + 3] = d;
        }
        s0 += (double) a * a;
        s1 += (double) b * b;
        s2 += (double) c * c;
        s3 += (double) d * d;
      }
      for (; i < to; i++) {
        float a = x[i];
        if (scaling) {
          a *= scale;
          x[i] = a;
        }
        s0 += (double) a * a;
      }
      return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String name() {
      return "java";
    }
  }
}
