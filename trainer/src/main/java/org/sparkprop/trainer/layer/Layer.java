package org.sparkprop.trainer.layer;

import java.util.SplittableRandom;

/**
 * One stage of a feed-forward network, bound at construction to its slices of the flat
 * parameter array p and state array s (see {@link org.sparkprop.trainer.param.ParamLayout}).
 *
 * <p>Dimensions: B = batch rows, I = {@link #inSize()}, O = {@link #outSize()}; activations are
 * (B, I) and (B, O) row-major, starting at offset 0 of caller-owned buffers.
 *
 * <p>A layer may own workspace sized for the model's maximum batch (batch-norm statistics, a
 * dropout mask); so a layer, like its {@link org.sparkprop.trainer.model.Mlp}, serves one thread.
 */
public interface Layer {
  int inSize();

  /** The output width; by default the input's (elementwise layers). */
  default int outSize() {
    return inSize();
  }

  /**
   * Writes this layer's initial parameters into p and initial state into s; by default
   * nothing (layers without parameters or state).
   */
  default void init(float[] p, float[] s, SplittableRandom rng) {}

  /**
   * x (B,I) → y (B,O); overwrites y. Reads its slice of p; in training mode may update its
   * slice of s (batch-norm running statistics).
   */
  void forward(float[] p, float[] s, float[] x, float[] y, int batch, boolean training);

  /**
   * Given x (B,I), y (B,O) from the last training-mode forward and dy (B,O) = ∂L/∂y: overwrites
   * dx (B,I) = ∂L/∂x, unless dx is null, and ADDS ∂L/∂p into g at this layer's offsets. May
   * overwrite dy.
   */
  default void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g,
      int batch) {
    backward(p, x, y, dy, dx, g, batch, true);
  }

  /**
   * {@link #backward(float[], float[], float[], float[], float[], float[], int)}, except that
   * with accumulate false ∂L/∂p OVERWRITES this layer's slices of g (whatever they held, NaN
   * included), which spares the caller a zeroing pass over g.
   */
  void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g, int batch,
      boolean accumulate);
}
