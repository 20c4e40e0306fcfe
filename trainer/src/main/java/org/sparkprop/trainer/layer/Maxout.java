package org.sparkprop.trainer.layer;

import java.util.Arrays;

/**
 * Maxout units (Goodfellow et al. 2013): x (B, k·W) holds k linear pieces per unit, unit j's
 * pieces at columns j·k … j·k + k − 1; y (B, W) is each unit's largest piece. Backward routes
 * each unit's gradient to the piece that won (the first of equal ones). Keeps the winners of
 * the last training-mode pass, sized for the model's maximum batch.
 */
public final class Maxout implements Layer {
  private final int width;
  private final int k;
  private final int[] winner;

  public Maxout(int width, int k, int maxBatch) {
    if (width <= 0 || k < 2) {
      throw new IllegalArgumentException("maxout of " + width + " units × " + k + " pieces");
    }
    this.width = width;
    this.k = k;
    this.winner = new int[maxBatch * width];
  }

  @Override
  public int inSize() {
    return width * k;
  }

  @Override
  public int outSize() {
    return width;
  }

  @Override
  public void forward(float[] p, float[] s, float[] x, float[] y, int batch, boolean training) {
    int in = width * k;
    for (int r = 0; r < batch; r++) {
      for (int j = 0; j < width; j++) {
        int base = r * in + j * k;
        int best = 0;
        float max = x[base];
        for (int q = 1; q < k; q++) {
          if (x[base + q] > max) {
            max = x[base + q];
            best = q;
          }
        }
        y[r * width + j] = max;
        winner[r * width + j] = best;
      }
    }
  }

  @Override
  public void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g,
      int batch, boolean accumulate) {
    if (dx == null) {
      return;
    }
    int in = width * k;
    Arrays.fill(dx, 0, batch * in, 0f);
    for (int r = 0; r < batch; r++) {
      for (int j = 0; j < width; j++) {
        dx[r * in + j * k + winner[r * width + j]] = dy[r * width + j];
      }
    }
  }
}
