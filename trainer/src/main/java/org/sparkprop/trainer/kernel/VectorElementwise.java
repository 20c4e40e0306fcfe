package org.sparkprop.trainer.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} on the Vector API: the same operations in the same order as the scalar
 * loops, L lanes at a time, the tail in scalar code. Loaded only when the
 * {@code jdk.incubator.vector} module is present (see {@link Kernels}).
 */
final class VectorElementwise extends Elementwise {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = D.length();
  /** Floats in the same number of lanes as D (half its bits). */
  private static final VectorSpecies<Float> HALF =
      VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

  @Override
  public void adam(float[] p, float[] g, float[] m, float[] v, int n, float b1, float b2,
      float stepSize, float invSqrtC2, float eps) {
    check(n, p, g, m, v);
    final float c1 = 1 - b1;
    final float c2 = 1 - b2;
    int bound = n - n % L;
    for (int i = 0; i < bound; i += L) {
      FloatVector gi = FloatVector.fromArray(S, g, i);
      FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
      FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(c2).mul(gi));
      mi.intoArray(m, i);
      vi.intoArray(v, i);
      FloatVector den = vi.lanewise(VectorOperators.SQRT).mul(invSqrtC2).add(eps);
      FloatVector pi = FloatVector.fromArray(S, p, i);
      pi.sub(mi.mul(stepSize).div(den)).intoArray(p, i);
    }
    adamScalar(p, g, m, v, bound, n, b1, b2, stepSize, invSqrtC2, eps);
  }

  @Override
  public void rms(float[] p, float[] g, float[] v, int n, float decay, float gain, float lr,
      float eps) {
    check(n, p, g, v);
    int bound = n - n % L;
    for (int i = 0; i < bound; i += L) {
      FloatVector gi = FloatVector.fromArray(S, g, i);
      FloatVector vi = FloatVector.fromArray(S, v, i).mul(decay).add(gi.mul(gain).mul(gi));
      vi.intoArray(v, i);
      FloatVector den = vi.lanewise(VectorOperators.SQRT).add(eps);
      FloatVector pi = FloatVector.fromArray(S, p, i);
      pi.sub(gi.mul(lr).div(den)).intoArray(p, i);
    }
    rmsScalar(p, g, v, bound, n, decay, gain, lr, eps);
  }

  @Override
  public double sumSquares(float[] x, int from, int to) {
    // Floats widened to doubles DL at a time; the lanes are added in a fixed order at the end
    // (reduceLanes leaves the order of a floating-point sum unspecified).
    DoubleVector acc = DoubleVector.zero(D);
    int i = from;
    for (; i + DL <= to; i += DL) {
      DoubleVector d = (DoubleVector) FloatVector.fromArray(HALF, x, i)
          .convertShape(VectorOperators.F2D, D, 0);
      acc = d.fma(d, acc);
    }
    double s = 0;
    for (int l = 0; l < DL; l++) {
      s += acc.lane(l);
    }
    for (; i < to; i++) {
      s += (double) x[i] * x[i];
    }
    return s;
  }

  @Override
  public String name() {
    return "vector-" + S.vectorBitSize();
  }
}
