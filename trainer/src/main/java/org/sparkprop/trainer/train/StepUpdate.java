package org.sparkprop.trainer.train;

import org.sparkprop.trainer.kernel.Vec;
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
    float l2 = cfg.l2();
    if (l2 > 0) {
      for (int r = 0; r < decayRanges.length; r += 2) {
        for (int i = decayRanges[r]; i < decayRanges[r + 1]; i++) {
          meanGrad[i] += l2 * p[i];
        }
      }
    }
    double norm = Vec.norm(meanGrad, 0, n);
    if (!Double.isFinite(meanLoss) || !Double.isFinite(norm)) {
      throw new DivergenceException("training diverged at epoch " + epoch + ", step " + step
          + ": loss " + meanLoss + ", gradient norm " + norm
          + " (lower the learning rate or enable --clip-norm)");
    }
    if (cfg.clipNorm() > 0 && norm > cfg.clipNorm()) {
      Vec.scale(meanGrad, n, (float) (cfg.clipNorm() / norm));
    }
    lastLr = cfg.schedule().lr(cfg.lr(), step - 1, totalSteps);
    opt.step(p, meanGrad, step, lastLr);
    return norm;
  }
}
