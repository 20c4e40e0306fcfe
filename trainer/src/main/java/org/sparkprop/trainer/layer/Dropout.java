package org.sparkprop.trainer.layer;

import org.sparkprop.trainer.kernel.Elementwise;
import org.sparkprop.trainer.kernel.Kernels;

/**
 * Inverted dropout (Srivastava et al. 2014): in training each unit is kept with probability
 * q = 1 − rate and scaled by 1/q, so evaluation is the identity. The mask is drawn from a
 * stream re-seeded by {@link #setSeed} before each step, so a step is reproducible (and a
 * gradient check sees a fixed mask). x, y, mask: (B, C).
 */
public final class Dropout implements Layer {
  private final int width;
  private final float rate;
  private final float[] mask;
  private static final Elementwise EW = Kernels.elementwise();
  private long seed;

  public Dropout(int width, double rate, int maxBatch) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    this.width = width;
    this.rate = (float) rate;
    this.mask = new float[maxBatch * width];
  }

  /** The seed of the next training-mode forward's mask. */
  public void setSeed(long seed) {
    this.seed = seed;
  }

  @Override
  public int inSize() {
    return width;
  }

  @Override
  public void forward(float[] p, float[] s, float[] x, float[] y, int batch, boolean training) {
    int n = batch * width;
    if (!training || rate == 0f) {
      System.arraycopy(x, 0, y, 0, n);
      return;
    }
    drawMask(batch);
    for (int i = 0; i < n; i++) {
      y[i] = x[i] * mask[i];
    }
  }

  /**
   * Draws the training-mode mask for a batch from the seed (0 or 1/keep per element) and
   * returns the workspace holding it, (batch, width) from offset 0. The GPU engine uploads it,
   * so both paths drop the same units.
   */
  public float[] drawMask(int batch) {
    float keep = 1f - rate;
    // The same draws as Rng.reseed(seed) + nextFloat() per element, 8 at a time.
    EW.dropoutMask(seed, mask, batch * width, keep, 1f / keep);
    return mask;
  }

  public float rate() {
    return rate;
  }

  @Override
  public void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g,
      int batch, boolean accumulate) {
    if (dx == null) {
      return;
    }
    int n = batch * width;
    if (rate == 0f) {
      System.arraycopy(dy, 0, dx, 0, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      dx[i] = dy[i] * mask[i];
    }
  }
}
