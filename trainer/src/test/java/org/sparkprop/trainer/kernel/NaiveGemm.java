package org.sparkprop.trainer.kernel;

/** The reference: triple loops in double precision, straight from the definitions. */
final class NaiveGemm implements Gemm {
  @Override
  public void nn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = accumulate ? c[cOff + i * n + j] : 0;
        for (int p = 0; p < k; p++) {
          s += (double) a[aOff + i * k + p] * b[bOff + p * n + j];
        }
        c[cOff + i * n + j] = (float) s;
      }
    }
  }

  @Override
  public void nt(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = accumulate ? c[cOff + i * n + j] : 0;
        for (int p = 0; p < k; p++) {
          s += (double) a[aOff + i * k + p] * b[bOff + j * k + p];
        }
        c[cOff + i * n + j] = (float) s;
      }
    }
  }

  @Override
  public void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = accumulate ? c[cOff + i * n + j] : 0;
        for (int p = 0; p < k; p++) {
          s += (double) a[aOff + p * m + i] * b[bOff + p * n + j];
        }
        c[cOff + i * n + j] = (float) s;
      }
    }
  }

  @Override
  public String name() {
    return "naive";
  }
}
