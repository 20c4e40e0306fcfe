package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.util.List;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.eval.EvalSums;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

/**
 * Between two epochs of a ring stage that runs on, both sides: every task sends its
 * validation shard's sums ({@link RingTask#EVAL}, if the stage has validation shards), then
 * the driver sends every task its word, {@link RingTask#STOP} or {@link RingTask#NEXT} with
 * the next epoch's number, first and end step and the step of the last checkpoint.
 */
final class EpochWord {
  private EpochWord() {}

  /** The next epoch's plan, and the step of the last checkpoint the driver wrote. */
  record Next(Plan plan, long lastCheckpoint) {}

  /** Task: the sums of (p, s) on its validation blocks, if it has any. */
  static void sendValidation(Wire wire, List<Block> validation, MlpSpec model, float[] p,
      float[] s, float threshold) throws IOException {
    if (validation.isEmpty()) {
      return;
    }
    EvalSums sums = Evaluator.partitionSums(validation.iterator(), model, new Weights(p, s),
        threshold);
    wire.out.writeInt(RingTask.EVAL);
    sums.writeTo(wire.out);
    wire.out.flush();
  }

  /** Driver: every task's validation sums, merged in partition order. */
  static EvalSums readValidation(StepServer server, int partitions, MlpSpec model,
      float threshold) throws IOException {
    EvalSums total = EvalSums.empty(model, threshold);
    for (int q = 0; q < partitions; q++) {
      Wire w = server.wire(q);
      RunStateReader.expect(w, RingTask.EVAL);
      total.mergeFrom(w.in);
    }
    return total;
  }

  /** Driver: stop (next null), or go on with next; lastCheckpoint as the epoch's end left it. */
  static void send(StepServer server, int partitions, Plan next, long lastCheckpoint)
      throws IOException {
    for (int q = 0; q < partitions; q++) {
      Wire w = server.wire(q);
      w.out.writeInt(next == null ? RingTask.STOP : RingTask.NEXT);
      if (next != null) {
        w.out.writeInt(next.epoch());
        w.out.writeInt(next.firstStep());
        w.out.writeInt(next.endStep());
        w.out.writeLong(lastCheckpoint);
      }
      w.out.flush();
    }
  }

  /**
   * Task of partition, after epoch done: the driver's word; null to stop. A next epoch that
   * does not follow done, or steps outside the epoch, is refused.
   */
  static Next read(Wire wire, int partition, Plan done) throws IOException {
    int word = wire.in.readInt();
    if (word == RingTask.STOP) {
      return null;
    }
    if (word != RingTask.NEXT) {
      throw new IOException("partition " + partition + ": the driver sent " + word
          + " after epoch " + done.epoch());
    }
    int epoch = wire.in.readInt();
    int first = wire.in.readInt();
    int end = wire.in.readInt();
    long lastCheckpoint = wire.in.readLong();
    if (epoch != done.epoch() + 1 || first < 0 || first > end || end > done.stepsPerEpoch()) {
      throw new IOException("partition " + partition + ": the driver's next epoch " + epoch
          + " (steps " + first + "–" + end + ") does not follow epoch " + done.epoch());
    }
    return new Next(new Plan(epoch, first, end, done.stepsPerEpoch(), done.rowsPerEpoch(),
        done.stepsPerSync(), done.averageParams(), done.totalSteps(), done.wholeShards()),
        lastCheckpoint);
  }
}
