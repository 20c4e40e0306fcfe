package org.sparkprop.trainer.model;

import java.util.Arrays;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.rng.Seeds;

/**
 * Monte Carlo dropout (Gal and Ghahramani 2016; lecture 12): N stochastic forward passes with
 * dropout on and batch norm in evaluation mode. The prediction is the mean of the N outputs
 * (probabilities, or values for regression); the uncertainty per row is the predictive
 * entropy of the mean, −Σ p̄ ln p̄ (classification; a single sigmoid output as two classes),
 * the summed binary entropies of the labels (multi-label), or the variance of the N
 * predictions averaged over the outputs (regression). Pass n's masks are seeded by (seed, n,
 * chunk), so a result is reproducible for a seed and the same chunks of rows.
 */
public final class McDropout {
  private final Mlp mlp;
  private final int samples;
  private final long seed;
  private final float[] draw;
  private final double[] sum;
  private final double[] sumSq;

  /** For batches of up to mlp.maxBatch() rows; samples ≥ 1. */
  public McDropout(Mlp mlp, int samples, long seed) {
    if (samples < 1) {
      throw new IllegalArgumentException("Monte Carlo dropout needs ≥ 1 sample, got " + samples);
    }
    this.mlp = mlp;
    this.samples = samples;
    this.seed = seed;
    int n = mlp.maxBatch() * mlp.spec().outputs();
    this.draw = new float[n];
    this.sum = new double[n];
    this.sumSq = new double[n];
  }

  /**
   * The mean outputs of x (B, I) into mean (B, K) and each row's uncertainty into
   * uncertainty (B); chunk names the rows' chunk in the masks' seeds.
   */
  public void predict(float[] p, float[] s, float[] x, int batch, long chunk, float[] mean,
      float[] uncertainty) {
    int k = mlp.spec().outputs();
    int n = batch * k;
    Arrays.fill(sum, 0, n, 0);
    Arrays.fill(sumSq, 0, n, 0);
    for (int t = 0; t < samples; t++) {
      mlp.setDropoutSeed(Seeds.derive(seed, Seeds.Purpose.MC_DROPOUT, t, chunk));
      mlp.predictWithDropout(p, s, x, batch, draw);
      for (int i = 0; i < n; i++) {
        sum[i] += draw[i];
        sumSq[i] += (double) draw[i] * draw[i];
      }
    }
    Task task = mlp.spec().task();
    for (int r = 0; r < batch; r++) {
      double u = 0;
      for (int j = 0; j < k; j++) {
        int i = r * k + j;
        double m = sum[i] / samples;
        mean[i] = (float) m;
        if (task == Task.REGRESSION) {
          u += Math.max(0, sumSq[i] / samples - m * m) / k;
        } else if (task == Task.MULTILABEL || k == 1) {
          u += entropy(m) + entropy(1 - m);
        } else {
          u += entropy(m);
        }
      }
      uncertainty[r] = (float) u;
    }
  }

  private static double entropy(double q) {
    return q <= 0 ? 0 : -q * Math.log(q);
  }
}
