package org.sparkprop.trainer.model;

import java.util.Arrays;
import org.sparkprop.trainer.param.ParamLayout;

/**
 * What a worker needs from a model to train: the loss and gradient sum of a minibatch. The CPU
 * engine is {@link Mlp}; the GPU engine ({@code org.sparkprop.trainer.gpu.GpuMlp}) keeps the
 * activations and gradients on the device for the whole step. Create them with
 * {@link Engines}. Not thread-safe: one per thread or task.
 */
public interface GradientEngine extends AutoCloseable {
  /**
   * One training-mode forward and backward pass over x (B, I) with targets y (B, T): ADDS the
   * gradient of the summed loss to g (same layout as p) and returns the summed loss.
   */
  double lossAndGrad(float[] p, float[] s, float[] x, float[] y, int batch, float[] g);

  /**
   * {@link #lossAndGrad(float[], float[], float[], float[], int, float[])}, except that with
   * accumulate false the gradient OVERWRITES g (whatever it held, NaN included). The CPU engine
   * then writes each gradient block in the pass that computes it, instead of the caller zeroing
   * g first (a pass over all parameters) and the engine adding to it.
   */
  default double lossAndGrad(float[] p, float[] s, float[] x, float[] y, int batch, float[] g,
      boolean accumulate) {
    if (!accumulate) {
      Arrays.fill(g, 0f);
    }
    return lossAndGrad(p, s, x, y, batch, g);
  }

  /** Raw outputs (B, K) of the last pass, on the host (valid until the next call). */
  float[] output();

  /** Seeds the dropout masks of the next training-mode pass. */
  void setDropoutSeed(long seed);

  /** The layout of p and g (and the optimizer's state). */
  ParamLayout paramLayout();

  /** The layout of s (batch-norm running statistics). */
  ParamLayout stateLayout();

  /** Where it runs, for logs and metrics, e.g. "cpu (vector)". */
  String device();

  /** Releases device memory (nothing for the CPU engine). */
  @Override
  void close();
}
