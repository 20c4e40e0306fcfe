package org.sparkprop.trainer.train;

import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.optim.Optimizer;

/**
 * What happens to one step's mean gradient before and during the optimizer step, shared by the
 * single-machine trainer and the Spark driver so both apply exactly the same update: coupled L2
 * on the weights (the seeds' backprop slide: ∂/∂w of λ/2·‖w‖²), the divergence check, gradient
 * norm clipping, the schedule's learning rate and the optimizer. Allocates nothing.
 */
public final class StepUpdate {
  private final TrainConfig cfg;
  private final Optimizer opt;
  private final int[] decayRanges;
  private final int n;
  private float lastLr;

  public StepUpdate(TrainConfig cfg, Optimizer opt, int[] decayRanges, int n) {
    this.cfg = cfg;
    this.opt = opt;
    this.decayRanges = decayRanges;
    this.n = n;
  }

  public Optimizer optimizer() {
    return opt;
  }

  /** The learning rate of the last {@link #apply}. */
  public float lastLr() {
    return lastLr;
  }

  /**
   * Updates p from meanGrad (the gradient of the mean loss; modified in place by L2 and
   * clipping) as step number {@code step} (1-based) of {@code totalSteps}; meanLoss is only for
   * the divergence message (with the epoch). Returns the gradient norm before clipping.
   *
   * @throws DivergenceException when the loss or the gradient is not finite
   */
  public double apply(float[] p, float[] meanGrad, double meanLoss, long step, long totalSteps,
      int epoch) {
    double norm = norm(squares(p, meanGrad, 0, n), meanLoss, step, epoch);
    float clip = begin(norm, step, totalSteps);
    stepShard(p, meanGrad, clip, step, 0, n);
    return norm;
  }

  /**
   * {@link #apply} on a gradient sum: gradSum × scale (1 / rows) is the mean gradient, made in
   * place in the same pass that takes its squared norm. The same bits as scaling first.
   */
  public double applySum(float[] p, float[] gradSum, float scale, double meanLoss, long step,
      long totalSteps, int epoch) {
    double norm = norm(squares(p, gradSum, scale, 0, n), meanLoss, step, epoch);
    float clip = begin(norm, step, totalSteps);
    stepShard(p, gradSum, clip, step, 0, n);
    return norm;
  }

  // The same update for a worker that owns ranges of the parameters (ZeRO stage 1: each of P
  // workers steps 1/P of them): squares() over each owned range, the partial sums added over
  // all workers, norm() and begin() once with the total, then stepShard() per owned range.
  // Every element gets the bits apply() gives it; only the norm's summation order differs.

  /**
   * Adds coupled L2 to meanGrad on the weights in [from, to) and returns Σ meanGrad² there
   * (in double), this range's part of the squared gradient norm.
   */
  public double squares(float[] p, float[] meanGrad, int from, int to) {
    float l2 = cfg.l2();
    if (l2 > 0) {
      for (int r = 0; r < decayRanges.length; r += 2) {
        for (int i = Math.max(from, decayRanges[r]), e = Math.min(to, decayRanges[r + 1]); i < e;
            i++) {
          meanGrad[i] += l2 * p[i];
        }
      }
    }
    return Kernels.elementwise().sumSquares(meanGrad, from, to);
  }

  /**
   * {@link #squares(float[], float[], int, int)} on a gradient sum: gradSum[from, to) ×
   * scale becomes the mean gradient first (in the same pass when there is no L2 term).
   */
  public double squares(float[] p, float[] gradSum, float scale, int from, int to) {
    if (cfg.l2() == 0) {
      return Kernels.elementwise().scaleSumSquares(gradSum, from, to, scale);
    }
    for (int i = from; i < to; i++) {
      gradSum[i] *= scale;
    }
    return squares(p, gradSum, from, to);
  }

  /**
   * The gradient norm from the squared norm summed over all ranges.
   *
   * @throws DivergenceException when the loss or the gradient is not finite
   */
  public double norm(double sumSquares, double meanLoss, long step, int epoch) {
    double norm = Math.sqrt(sumSquares);
    if (!Double.isFinite(meanLoss) || !Double.isFinite(norm)) {
      throw new DivergenceException("training diverged at epoch " + epoch + ", step " + step
          + ": loss " + meanLoss + ", gradient norm " + norm
          + " (lower the learning rate or enable --clip-norm)");
    }
    return norm;
  }

  /**
   * Starts step {@code step} (1-based) of totalSteps with the gradient's norm: sets the
   * schedule's learning rate and returns the clipping factor for {@link #stepShard} (1 when
   * not clipping).
   */
  public float begin(double norm, long step, long totalSteps) {
    lastLr = cfg.schedule().lr(cfg.lr(), step - 1, totalSteps);
    return cfg.clipNorm() > 0 && norm > cfg.clipNorm() ? (float) (cfg.clipNorm() / norm) : 1f;
  }

  /** Clips meanGrad[from, to) by clip (from {@link #begin}) and steps p there. */
  public void stepShard(float[] p, float[] meanGrad, float clip, long step, int from, int to) {
    if (clip != 1f) {
      for (int i = from; i < to; i++) {
        meanGrad[i] *= clip;
      }
    }
    opt.step(p, meanGrad, step, lastLr, from, to);
  }
}
