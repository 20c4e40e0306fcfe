package org.sparkprop.driver.exchange;

import java.io.IOException;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.trainer.train.DivergenceException;

/**
 * The driver's side of the ring exchange's run-state messages ({@link RingTask}): parameters,
 * state and optimizer state from task 0, whole or as every task's owned ranges (checked to
 * cover every parameter exactly), and each task's own optimizer state when kept apart; a
 * task's failure or divergence report is thrown with its reason.
 */
final class RunStateReader {
  private RunStateReader() {}

  /** Loads the run state the tasks send (see {@link RingTask}) into the driver's arrays. */
  static void read(StepServer server, DriverSide driver, int partitions, Plan plan, int type)
      throws IOException {
    Wire first = server.wire(0);
    first.readFloats(driver.params(), 0, driver.params().length);
    first.readFloats(driver.state(), 0, driver.state().length);
    int layout = first.in.readInt();
    float[][] opt = driver.optimizerState(0);
    if (layout == RingTask.OPTIMIZER_SHARDED) {
      int n = driver.params().length;
      long covered = readOwnedOptimizerState(first, opt, n);
      for (int q = 1; q < partitions; q++) {
        Wire w = server.wire(q);
        expect(w, type);
        covered += readOwnedOptimizerState(w, opt, n);
      }
      if (covered != n) {
        throw new IOException("the tasks' parts of the optimizer state cover " + covered
            + " of " + n + " parameters");
      }
    } else if (layout == RingTask.OPTIMIZER_WHOLE) {
      for (float[] o : opt) {
        first.readFloats(o, 0, o.length);
      }
    } else {
      throw new IOException("partition 0 sent optimizer state layout " + layout);
    }
    long step = first.in.readLong();
    if (step != driver.step()) {
      throw new IOException("partition 0 is at step " + step + ", the driver counted "
          + driver.step());
    }
    if (plan.averageParams() && !driver.averagesOptimizerState()) {
      for (int q = 1; q < partitions; q++) {
        Wire w = server.wire(q);
        expect(w, type);
        for (float[] o : driver.optimizerState(q)) {
          w.readFloats(o, 0, o.length);
        }
      }
    }
  }

  /**
   * One task's parts of the optimizer state ({@link RingTask}): the ranges, checked against
   * n parameters, then each array's floats there. Returns the parameters covered.
   */
  private static long readOwnedOptimizerState(Wire w, float[][] opt, int n) throws IOException {
    int r = w.in.readInt();
    if (r < 0 || r > 1 << 16) {
      throw new IOException("a task sent " + r + " optimizer state ranges");
    }
    int[] from = new int[r];
    int[] to = new int[r];
    long covered = 0;
    for (int k = 0; k < r; k++) {
      from[k] = w.in.readInt();
      to[k] = w.in.readInt();
      if (from[k] < 0 || to[k] < from[k] || to[k] > n) {
        throw new IOException("a task sent the optimizer state range [" + from[k] + ", "
            + to[k] + ") of " + n + " parameters");
      }
      covered += to[k] - from[k];
    }
    for (float[] o : opt) {
      for (int k = 0; k < r; k++) {
        w.readFloats(o, from[k], to[k] - from[k]);
      }
    }
    return covered;
  }

  /** Reads a message type from w: the expected one, or a task's failure (thrown). */
  static void expect(Wire w, int type) throws IOException {
    int t = readType(w);
    if (t != type) {
      throw new IOException("a task sent message type " + t + ", expected " + type);
    }
  }

  /** Reads a message type from w; a task's failure is thrown with its reason. */
  static int readType(Wire w) throws IOException {
    int t = w.in.readInt();
    if (t == DirectTask.FAILED) {
      throw new DirectExchange.WorkerFailedException(DirectTask.oneLine(w.in.readUTF()));
    }
    if (t == RingTask.DIVERGED) {
      throw new DivergenceException(DirectTask.oneLine(w.in.readUTF()));
    }
    return t;
  }
}
