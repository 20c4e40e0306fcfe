package org.sparkprop.trainer.layer;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.sparkprop.trainer.param.ParamLayout;
import org.sparkprop.trainer.param.Slice;

/**
 * Batch normalisation over the batch dimension (Ioffe and Szegedy 2015):
 * y = γ ⊙ (x − μ_B)/√(σ²_B + ε) + β. Training uses the batch statistics and updates running
 * statistics (exponential average with {@code momentum}, unbiased variance, as PyTorch's
 * BatchNorm1d does); evaluation uses the running statistics.
 *
 * <p>B = batch, C = channels; x, y, xhat: (B, C); γ, β, running mean and variance: (C).
 * With several data-parallel workers the statistics are per worker's shard ("ghost" batch norm).
 */
public final class BatchNorm implements Layer {
  private final int width;
  private final float momentum;
  private final float eps;
  private final Slice gamma;
  private final Slice beta;
  private final Slice runMean;
  private final Slice runVar;
  /** (B, C): normalised inputs of the last training forward. */
  private final float[] xhat;
  /** (C): 1/√(σ²+ε) of the last training forward. */
  private final float[] invStd;
  private final double[] sum1;
  private final double[] sum2;

  public BatchNorm(String name, int width, double momentum, double eps, int maxBatch,
      ParamLayout params, ParamLayout state) {
    this.width = width;
    this.momentum = (float) momentum;
    this.eps = (float) eps;
    this.gamma = params.add(name + ".gamma", 1, width, false);
    this.beta = params.add(name + ".beta", 1, width, false);
    this.runMean = state.add(name + ".running_mean", 1, width, false);
    this.runVar = state.add(name + ".running_var", 1, width, false);
    this.xhat = new float[maxBatch * width];
    this.invStd = new float[width];
    this.sum1 = new double[width];
    this.sum2 = new double[width];
  }

  @Override
  public int inSize() {
    return width;
  }

  @Override
  public void init(float[] p, float[] s, SplittableRandom rng) {
    Arrays.fill(p, gamma.offset(), gamma.end(), 1f);
    Arrays.fill(p, beta.offset(), beta.end(), 0f);
    Arrays.fill(s, runMean.offset(), runMean.end(), 0f);
    Arrays.fill(s, runVar.offset(), runVar.end(), 1f);
  }

  @Override
  public void forward(float[] p, float[] s, float[] x, float[] y, int batch, boolean training) {
    final int c = width;
    final int go = gamma.offset();
    final int bo = beta.offset();
    if (!training) {
      final int mo = runMean.offset();
      final int vo = runVar.offset();
      for (int j = 0; j < c; j++) {
        invStd[j] = (float) (1 / Math.sqrt(s[vo + j] + eps));
      }
      for (int r = 0; r < batch; r++) {
        int o = r * c;
        for (int j = 0; j < c; j++) {
          y[o + j] = p[go + j] * (x[o + j] - s[mo + j]) * invStd[j] + p[bo + j];
        }
      }
      return;
    }
    Arrays.fill(sum1, 0);
    Arrays.fill(sum2, 0);
    for (int r = 0; r < batch; r++) {
      int o = r * c;
      for (int j = 0; j < c; j++) {
        sum1[j] += x[o + j];
      }
    }
    for (int j = 0; j < c; j++) {
      sum1[j] /= batch; // now the mean
    }
    // Two-pass variance: Σ(x − μ)² avoids the cancellation of Σx² − Bμ².
    for (int r = 0; r < batch; r++) {
      int o = r * c;
      for (int j = 0; j < c; j++) {
        double d = x[o + j] - sum1[j];
        sum2[j] += d * d;
      }
    }
    final int mo = runMean.offset();
    final int vo = runVar.offset();
    for (int j = 0; j < c; j++) {
      double var = sum2[j] / batch;
      invStd[j] = (float) (1 / Math.sqrt(var + eps));
      double unbiased = batch > 1 ? sum2[j] / (batch - 1) : var;
      s[mo + j] = (float) ((1 - momentum) * s[mo + j] + momentum * sum1[j]);
      s[vo + j] = (float) ((1 - momentum) * s[vo + j] + momentum * unbiased);
    }
    for (int r = 0; r < batch; r++) {
      int o = r * c;
      for (int j = 0; j < c; j++) {
        float h = (float) (x[o + j] - sum1[j]) * invStd[j];
        xhat[o + j] = h;
        y[o + j] = p[go + j] * h + p[bo + j];
      }
    }
  }

  @Override
  public void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g,
      int batch, boolean accumulate) {
    final int c = width;
    final int go = gamma.offset();
    final int bo = beta.offset();
    Arrays.fill(sum1, 0); // Σ dy
    Arrays.fill(sum2, 0); // Σ dy·xhat
    for (int r = 0; r < batch; r++) {
      int o = r * c;
      for (int j = 0; j < c; j++) {
        sum1[j] += dy[o + j];
        sum2[j] += dy[o + j] * xhat[o + j];
      }
    }
    for (int j = 0; j < c; j++) {
      g[go + j] = (accumulate ? g[go + j] : 0f) + (float) sum2[j];
      g[bo + j] = (accumulate ? g[bo + j] : 0f) + (float) sum1[j];
    }
    if (dx == null) {
      return;
    }
    // dx = γ/(B σ) · (B dy − Σdy − xhat Σ(dy·xhat))
    for (int r = 0; r < batch; r++) {
      int o = r * c;
      for (int j = 0; j < c; j++) {
        double k = p[go + j] * invStd[j] / batch;
        dx[o + j] = (float) (k * (batch * dy[o + j] - sum1[j] - xhat[o + j] * sum2[j]));
      }
    }
  }
}
