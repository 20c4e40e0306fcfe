package org.sparkprop.trainer.train;

import java.util.Locale;
import org.sparkprop.trainer.loss.LossKind;

/**
 * Catches training that explodes without ever producing a NaN (plain SGD with a huge learning
 * rate: the loss climbs to 1e33 and stays finite). After each epoch the mean training loss must
 * stay below {@link #FACTOR} times the lowest epoch so far and, for the cross-entropies, below
 * {@link #FACTOR} times a chance-level predictor's loss (ln K for softmax over K classes, ln 2
 * per sigmoid output), which catches the first epoch too. Squared error has no natural scale,
 * so only the first rule applies to it.
 */
public final class LossWatch {
  /** How many times the reference loss an epoch may reach before the run counts as diverged. */
  public static final double FACTOR = 1000;
  private final double chance;
  private double lowest = Double.POSITIVE_INFINITY;
  private int lowestEpoch;

  /** For a network with this loss and k outputs. */
  public LossWatch(LossKind loss, int k) {
    this.chance = switch (loss) {
      case SOFTMAX_CE -> Math.log(Math.max(2, k));
      case SIGMOID_BCE -> k * Math.log(2);
      default -> Double.NaN;
    };
  }

  /**
   * Checks epoch's mean training loss.
   *
   * @throws DivergenceException when it is not finite or over either bound
   */
  public void check(int epoch, double meanLoss) {
    String hint = " (lower the learning rate or enable --clip-norm)";
    if (!Double.isFinite(meanLoss)) {
      throw new DivergenceException("training diverged at epoch " + epoch + ": training loss "
          + meanLoss + hint);
    }
    if (Double.isFinite(lowest) && meanLoss > FACTOR * lowest) {
      throw new DivergenceException(String.format(Locale.ROOT, "training diverged at epoch %d:"
          + " the training loss %.4g is over %.0f times epoch %d's (%.4g)%s", epoch, meanLoss,
          FACTOR, lowestEpoch, lowest, hint));
    }
    if (!Double.isNaN(chance) && meanLoss > FACTOR * chance) {
      throw new DivergenceException(String.format(Locale.ROOT, "training diverged at epoch %d:"
          + " the training loss %.4g is over %.0f times a chance-level prediction's (%.4g)%s",
          epoch, meanLoss, FACTOR, chance, hint));
    }
    if (meanLoss < lowest) {
      lowest = meanLoss;
      lowestEpoch = epoch;
    }
  }
}
