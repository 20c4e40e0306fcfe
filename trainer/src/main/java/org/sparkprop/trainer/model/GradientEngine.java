package org.sparkprop.trainer.model;

import java.util.Arrays;
import org.sparkprop.trainer.param.ParamLayout;
import org.sparkprop.trainer.param.Slice;

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

  /**
   * Told, during one {@link #lossAndGrad(float[], float[], float[], float[], int, float[],
   * boolean, Progress)}, how far the pass has come, so a caller can start sending the finished
   * part of the gradient while the rest of the backward pass is still computing (the last
   * layers' gradient is final first). Called on the computing thread; must not allocate.
   */
  interface Progress {
    /**
     * The forward pass and the loss are done: lossSum is the summed loss, {@link #output()}
     * holds the raw outputs and s the updated running statistics; no gradient is final yet.
     */
    void forwardDone(double lossSum);

    /**
     * g[from, n) is final (n = parameters); from only decreases during a pass and reaches 0
     * once, at its end.
     */
    void gradientReady(int from);
  }

  /**
   * {@link #lossAndGrad(float[], float[], float[], float[], int, float[], boolean)} that tells
   * progress when the forward pass is done and, layer by layer in backward order, which tail
   * of g is final. By default (an engine that returns the gradient in one piece) both calls
   * come after the whole pass.
   */
  default double lossAndGrad(float[] p, float[] s, float[] x, float[] y, int batch, float[] g,
      boolean accumulate, Progress progress) {
    double sum = lossAndGrad(p, s, x, y, batch, g, accumulate);
    progress.forwardDone(sum);
    progress.gradientReady(0);
    return sum;
  }

  /**
   * The offsets, ascending from 0, that {@link Progress#gradientReady} may be told during a
   * pass (where a caller may cut the gradient into buckets); by default the parameter slices'
   * starts.
   */
  default int[] gradientReadyPoints() {
    return paramLayout().slices().stream().mapToInt(Slice::offset).sorted().distinct()
        .toArray();
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
