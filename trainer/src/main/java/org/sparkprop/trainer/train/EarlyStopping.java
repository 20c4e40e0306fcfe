package org.sparkprop.trainer.train;

/**
 * Early stopping on validation loss, shared by the single-machine and the Spark trainers: stop
 * after {@code patience} epochs without a new best (0 = off), and optionally restore the best
 * parameters and state at the end.
 */
public final class EarlyStopping {
  private final int patience;
  private final boolean restoreBest;
  private double best = Double.POSITIVE_INFINITY;
  private int bestEpoch;
  private int bad;
  private float[] bestP;
  private float[] bestS;

  public EarlyStopping(int patience, boolean restoreBest) {
    this.patience = patience;
    this.restoreBest = restoreBest;
  }

  /**
   * Records an epoch's validation result (ignored without validation rows or with patience 0);
   * keeps a copy of (p, s) on a new best. Returns true when training should stop.
   */
  public boolean update(int epoch, Evaluation val, float[] p, float[] s) {
    if (patience <= 0 || val.rows() == 0) {
      return false;
    }
    if (val.loss() < best) {
      best = val.loss();
      bestEpoch = epoch;
      bad = 0;
      if (bestP == null) {
        bestP = new float[p.length];
        bestS = new float[s.length];
      }
      System.arraycopy(p, 0, bestP, 0, p.length);
      System.arraycopy(s, 0, bestS, 0, s.length);
      return false;
    }
    return ++bad >= patience;
  }

  /** With restore-best on and a best recorded, copies it back into p and s. */
  public void restore(float[] p, float[] s) {
    if (restoreBest && bestP != null) {
      System.arraycopy(bestP, 0, p, 0, p.length);
      System.arraycopy(bestS, 0, s, 0, s.length);
    }
  }

  /** The best epoch, or {@code otherwise} when none was recorded. */
  public int bestEpoch(int otherwise) {
    return bestEpoch == 0 ? otherwise : bestEpoch;
  }
}
