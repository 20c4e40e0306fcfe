package org.sparkprop.driver.train;

/**
 * Sums over the syncs of one epoch (or one try of it): training loss sum, correct
 * predictions, rows, the sum of the gradient norms and the number of syncs. A retried epoch
 * starts a new one.
 */
final class EpochTotals {
  double lossSum;
  long correct;
  long rows;
  double gradNormSum;
  long syncs;

  /** Adds one sync's loss sum, correct predictions and rows. */
  void add(double loss, long right, long n) {
    lossSum += loss;
    correct += right;
    rows += n;
    syncs++;
  }
}
