package org.sparkprop.trainer.kernel;

import java.util.Arrays;

/**
 * The portable CPU kernel, used when the Vector API module is absent: {@link PackedGemm} with a
 * plain-Java micro-kernel. The accumulator tile is a separate small array and the inner loop runs
 * over a constant NR contiguous floats of two distinct arrays, which lets HotSpot's superword
 * pass vectorise it (a loop over offsets into one shared array is not vectorised by JDK 17).
 */
final class JavaGemm extends PackedGemm {
  private static final int MR = 4;
  private static final int NR = 16;

  /** Accumulators: (MR, NR). */
  private final float[] acc = new float[MR * NR];

  JavaGemm() {
    super(MR, NR);
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  void microKernel(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff,
      int ldc, int rows, int cols, boolean overwrite) {
    final float[] acc = this.acc;
    Arrays.fill(acc, 0f);
    for (int kk = 0; kk < kc; kk++) {
      int bo = bpOff + kk * NR;
      int ao = apOff + kk * MR;
      for (int r = 0; r < MR; r++) {
        float a = ap[ao + r];
        int t = r * NR;
        for (int j = 0; j < NR; j++) {
          acc[t + j] += a * bp[bo + j];
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      int co = cOff + r * ldc;
      int t = r * NR;
      if (overwrite) {
        System.arraycopy(acc, t, c, co, cols);
      } else {
        for (int j = 0; j < cols; j++) {
          c[co + j] += acc[t + j];
        }
      }
    }
  }
}
