package org.sparkprop.trainer.train;

import java.io.Serializable;
import java.util.function.Consumer;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;

/**
 * How to train: epochs, minibatch size, optimizer, learning rate and schedule, regularisation
 * (coupled L2 on weights, gradient-norm clipping), early stopping (patience in epochs on
 * validation loss, 0 = off; restore the best parameters), the required seed and the number of
 * data-parallel threads (each takes an equal share of every minibatch).
 */
public record TrainConfig(int epochs, int batchSize, OptimizerConfig optimizer, float lr,
    LrSchedule schedule, float l2, float clipNorm, int patience, boolean restoreBest, long seed,
    int threads) implements Serializable {

  public TrainConfig {
    if (epochs <= 0) {
      throw new IllegalArgumentException("epochs must be > 0, got " + epochs);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
    }
    if (!(lr > 0) || !Float.isFinite(lr)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }
    if (!(l2 >= 0)) {
      throw new IllegalArgumentException("l2 must be ≥ 0, got " + l2);
    }
    if (!(clipNorm >= 0)) {
      throw new IllegalArgumentException("clip norm must be ≥ 0 (0 = off), got " + clipNorm);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be ≥ 0 (0 = off), got " + patience);
    }
    if (threads <= 0 || threads > batchSize) {
      throw new IllegalArgumentException("threads must be in [1, batch size], got " + threads);
    }
  }

  /** Defaults: Adam 1e-3, constant schedule, no regularisation, 1 thread. */
  public static TrainConfig defaults(long seed) {
    return new TrainConfig(10, 128, OptimizerConfig.defaults("adam"), 1e-3f,
        LrSchedule.constant(), 0f, 0f, 0, true, seed, 1);
  }

  public TrainConfig withEpochs(int e) {
    return edit(c -> c.epochs = e);
  }

  public TrainConfig withBatch(int b) {
    return edit(c -> c.batchSize = b);
  }

  public TrainConfig withOptimizer(OptimizerConfig o, float rate) {
    return edit(c -> c.optimizer = o).edit(c -> c.lr = rate);
  }

  public TrainConfig withSchedule(LrSchedule s) {
    return edit(c -> c.schedule = s);
  }

  public TrainConfig withRegularisation(float l2Weight, float clip) {
    return edit(c -> c.l2 = l2Weight).edit(c -> c.clipNorm = clip);
  }

  public TrainConfig withEarlyStopping(int pat, boolean restore) {
    return edit(c -> c.patience = pat).edit(c -> c.restoreBest = restore);
  }

  public TrainConfig withThreads(int t) {
    return edit(c -> c.threads = t);
  }

  /** A copy of this config with change applied to its fields (validated again). */
  private TrainConfig edit(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new TrainConfig(f.epochs, f.batchSize, f.optimizer, f.lr, f.schedule, f.l2,
        f.clipNorm, f.patience, f.restoreBest, f.seed, f.threads);
  }

  /** The record's fields, mutable, for {@link #edit}. */
  private static final class Fields {
    int epochs;
    int batchSize;
    OptimizerConfig optimizer;
    float lr;
    LrSchedule schedule;
    float l2;
    float clipNorm;
    int patience;
    boolean restoreBest;
    long seed;
    int threads;

    Fields(TrainConfig c) {
      epochs = c.epochs;
      batchSize = c.batchSize;
      optimizer = c.optimizer;
      lr = c.lr;
      schedule = c.schedule;
      l2 = c.l2;
      clipNorm = c.clipNorm;
      patience = c.patience;
      restoreBest = c.restoreBest;
      seed = c.seed;
      threads = c.threads;
    }
  }
}
