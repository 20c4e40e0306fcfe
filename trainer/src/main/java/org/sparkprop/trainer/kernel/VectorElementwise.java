package org.sparkprop.trainer.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.sparkprop.trainer.rng.Rng;

/**
 * {@link Elementwise} on the Vector API: the same operations in the same order as the scalar
 * loops, L lanes at a time, the tail in scalar code. Loaded only when the
 * {@code jdk.incubator.vector} module is present (see {@link Kernels}).
 *
 * <p>Every FloatVector here, as in {@link VectorGemm}, has the one shape S. The Vector API's
 * shared methods keep one type profile for all callers: once vectors of a second float shape
 * (a 256-bit half, say) pass through them, a later C2 compile of the GEMM micro-kernel can lose
 * its intrinsics and fall back to boxed vectors, 5× slower for the rest of the JVM's life. That
 * happened in 2 of 10 JVM starts of a dropout network while the dropout mask was stored
 * through a 256-bit FloatVector and none of 10 without dropout.
 */
final class VectorElementwise extends Elementwise {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = D.length();

  @Override
  public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float decay,
      float b1, float b2, float stepSize, float invSqrtC2, float eps) {
    checkRange(from, to, p, g, m, v);
    final float c1 = 1 - b1;
    final float c2 = 1 - b2;
    int bound = to - (to - from) % L;
    for (int i = from; i < bound; i += L) {
      FloatVector gi = FloatVector.fromArray(S, g, i);
      FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
      FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(c2).mul(gi));
      mi.intoArray(m, i);
      vi.intoArray(v, i);
      FloatVector den = vi.lanewise(VectorOperators.SQRT).mul(invSqrtC2).add(eps);
      FloatVector pi = FloatVector.fromArray(S, p, i).mul(decay);
      pi.sub(mi.mul(stepSize).div(den)).intoArray(p, i);
    }
    adamScalar(p, g, m, v, bound, to, decay, b1, b2, stepSize, invSqrtC2, eps);
  }

  @Override
  public void rms(float[] p, float[] g, float[] v, int from, int to, float decay, float gain,
      float lr, float eps) {
    checkRange(from, to, p, g, v);
    int bound = to - (to - from) % L;
    for (int i = from; i < bound; i += L) {
      FloatVector gi = FloatVector.fromArray(S, g, i);
      FloatVector vi = FloatVector.fromArray(S, v, i).mul(decay).add(gi.mul(gain).mul(gi));
      vi.intoArray(v, i);
      FloatVector den = vi.lanewise(VectorOperators.SQRT).add(eps);
      FloatVector pi = FloatVector.fromArray(S, p, i);
      pi.sub(gi.mul(lr).div(den)).intoArray(p, i);
    }
    rmsScalar(p, g, v, bound, to, decay, gain, lr, eps);
  }

  @Override
  public void reluBias(float[] y, float[] bias, int biasOff, int rows, int cols) {
    check(rows * cols, y);
    FloatVector zero = FloatVector.zero(S);
    int bound = cols - cols % L;
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int j = 0; j < bound; j += L) {
        FloatVector v = FloatVector.fromArray(S, y, o + j);
        if (bias != null) {
          v = v.add(FloatVector.fromArray(S, bias, biasOff + j));
        }
        zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, o + j);
      }
      reluBiasScalar(y, bias, biasOff, o, bound, cols);
    }
  }

  @Override
  public void reluBackward(float[] y, float[] dy, float[] dx, int n) {
    check(n, y, dy, dx);
    FloatVector zero = FloatVector.zero(S);
    int bound = n - n % L;
    for (int i = 0; i < bound; i += L) {
      FloatVector yi = FloatVector.fromArray(S, y, i);
      zero.blend(FloatVector.fromArray(S, dy, i), yi.compare(VectorOperators.GT, 0f))
          .intoArray(dx, i);
    }
    reluBackwardScalar(y, dy, dx, bound, n);
  }

  @Override
  public void columnSums(float[] x, int rows, int cols, float[] g, int gOff) {
    check(rows * cols, x);
    check(gOff + cols, g);
    int bound = cols - cols % L;
    // One column block at a time down the rows: each sum stays in a register, in row order.
    for (int j = 0; j < bound; j += L) {
      FloatVector acc = FloatVector.fromArray(S, g, gOff + j);
      for (int r = 0, i = j; r < rows; r++, i += cols) {
        acc = acc.add(FloatVector.fromArray(S, x, i));
      }
      acc.intoArray(g, gOff + j);
    }
    columnSumsScalar(null, x, false, rows, cols, g, gOff, bound);
  }

  @Override
  public void reluBackwardColumnSums(float[] y, float[] dy, int rows, int cols, float[] g,
      int gOff) {
    check(rows * cols, y, dy);
    check(gOff + cols, g);
    FloatVector zero = FloatVector.zero(S);
    int bound = cols - cols % L;
    for (int j = 0; j < bound; j += L) {
      FloatVector acc = FloatVector.fromArray(S, g, gOff + j);
      for (int r = 0, i = j; r < rows; r++, i += cols) {
        FloatVector d = zero.blend(FloatVector.fromArray(S, dy, i),
            FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f));
        d.intoArray(dy, i);
        acc = acc.add(d);
      }
      acc.intoArray(g, gOff + j);
    }
    columnSumsScalar(y, dy, true, rows, cols, g, gOff, bound);
  }

  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  private static final int LL = LS.length();
  /** Ints in as many lanes as LS. */
  private static final VectorSpecies<Integer> LI =
      VectorSpecies.of(int.class, VectorShape.forBitSize(LS.vectorBitSize() / 2));

  @Override
  public void dropoutMask(long seed, float[] mask, int n, float keep, float scale) {
    check(n, mask);
    long threshold = keepThreshold(keep);
    // Lane j of the counter holds seed + (i + j + 1)·GOLDEN; SplitMix64's mix, lane-wise.
    LongVector counter = LongVector.zero(LS).addIndex(1).add(1).mul(Rng.GOLDEN).add(seed);
    LongVector stride = LongVector.broadcast(LS, Rng.GOLDEN * LL);
    // The mask's float bits chosen in long lanes, then narrowed: no mask conversion between
    // species (which C2 does not intrinsify here and costs more than the arithmetic).
    LongVector kept = LongVector.broadcast(LS, Float.floatToRawIntBits(scale));
    LongVector dropped = LongVector.zero(LS);
    int bound = n < L ? 0 : (n - L) / LL * LL + LL;
    for (int i = 0; i < bound; i += LL) {
      LongVector z = counter;
      z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30))
          .mul(0xBF58476D1CE4E5B9L);
      z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27))
          .mul(0x94D049BB133111EBL);
      z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
      VectorMask<Long> keepLane = z.lanewise(VectorOperators.LSHR, 40)
          .compare(VectorOperators.LT, threshold);
      // LL ints widened into a vector of shape S (lanes past LL zero) and stored whole; the
      // next iteration overwrites those lanes, and the loop stops while the store fits.
      ((FloatVector) dropped.blend(kept, keepLane).convertShape(VectorOperators.L2I, LI, 0)
          .reinterpretShape(S, 0)).intoArray(mask, i);
      counter = counter.add(stride);
    }
    dropoutMaskScalar(seed, mask, bound, n, keep, scale);
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
    // L floats at a time (shape S), widened to doubles in two halves, lanes [0, DL) and
    // [DL, 2·DL) (L = 2·DL); the lanes are added in a fixed order at the end (reduceLanes leaves
    // the order of a floating-point sum unspecified).
    DoubleVector acc = DoubleVector.zero(D);
    DoubleVector acc2 = DoubleVector.zero(D);
    int i = from;
    for (; i + L <= to; i += L) {
      FloatVector f = FloatVector.fromArray(S, x, i);
      if (scaling) {
        f = f.mul(scale);
        f.intoArray(x, i);
      }
      DoubleVector d0 = (DoubleVector) f.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector d1 = (DoubleVector) f.convertShape(VectorOperators.F2D, D, 1);
      acc = d0.fma(d0, acc);
      acc2 = d1.fma(d1, acc2);
    }
    acc = acc.add(acc2);
    double s = 0;
    for (int l = 0; l < DL; l++) {
      s += acc.lane(l);
    }
    for (; i < to; i++) {
      float a = x[i];
      if (scaling) {
        a *= scale;
        x[i] = a;
      }
      s += (double) a * a;
    }
    return s;
  }

  @Override
  public String name() {
    return "vector-" + S.vectorBitSize();
  }
}
