package org.sparkprop.driver.exchange;

import java.io.IOException;
import org.sparkprop.driver.collective.Ring;
import org.sparkprop.trainer.train.StepUpdate;

/**
 * The sharded step's squared gradient norm, summed over the tasks as a float pair
 * ({@link FloatPairs}). Without clipping the
 * norm is not needed before the step, so it is deferred: each task's part of a step's squared
 * norm travels with the next step's state and counts, and the check and the metric come one
 * step later ({@link #finish}); before any snapshot and at the end {@link #flush} all-reduces
 * the pair on its own.
 */
final class NormSquares {
  private final float[] pair = new float[2];
  private double squares;
  private double meanLoss;
  private long step;

  /** This task's squares summed over the ring's tasks, now (the step needs the norm). */
  double allReduce(Ring ring, double mine) throws IOException {
    FloatPairs.split(mine, pair, 0);
    ring.allReduce(pair, 0, 2);
    return FloatPairs.join(pair, 0);
  }

  /** Keeps step's part (with its mean loss) for the next step's state or a flush. */
  void defer(double mine, double meanLoss, long step) {
    this.squares = mine;
    this.meanLoss = meanLoss;
    this.step = step;
  }

  boolean pending() {
    return step > 0;
  }

  /** This task's deferred part as a pair into buf[at, at + 2); zeros when none is pending. */
  void writePart(float[] buf, int at) {
    FloatPairs.split(pending() ? squares : 0, buf, at);
  }

  /** The deferred step's norm from its squares summed over the tasks: checked by update. */
  double finish(StepUpdate update, double summed, int epoch) {
    double norm = update.norm(summed, meanLoss, step, epoch);
    step = 0;
    return norm;
  }

  /** The deferred step's norm by its own all-reduce; NaN when none is pending. */
  double flush(Ring ring, StepUpdate update, int epoch) throws IOException {
    return pending() ? finish(update, allReduce(ring, squares), epoch) : Double.NaN;
  }
}
