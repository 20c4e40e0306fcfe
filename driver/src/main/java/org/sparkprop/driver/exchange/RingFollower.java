package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.sparkprop.driver.eval.EvalSums;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * The ring exchange's driver side of one barrier stage ({@link RingTask} on the executors):
 * the tasks' addresses and start state out, then task 0's totals, the run state at
 * checkpoints and epoch ends, the validation sums and the word to stop or go on.
 */
final class RingFollower {
  private final StepServer server;
  private final MlpSpec model;
  private final long session;
  private final Consumer<Plan> advanced;

  /**
   * Over server's accepted connections, for model; session: the ring's number for this
   * stage; advanced: told each next epoch's plan once the tasks have been sent it (where a
   * retry would start).
   */
  RingFollower(StepServer server, MlpSpec model, long session, Consumer<Plan> advanced) {
    this.server = server;
    this.model = model;
    this.session = session;
    this.advanced = advanced;
  }

  /**
   * Tells every task where the others listen and its chunk of the state to start from
   * ({@link StartState}; a worker's own optimizer state whole), then follows task 0's totals
   * (metrics, progress) and loads the run state it sends when a checkpoint is due and at each
   * epoch's end; with ends, runs on through the epochs while ends gives a next plan.
   * evaluates: the tasks send validation sums after each epoch.
   */
  void follow(DriverSide driver, int partitions, Plan plan, EpochEnds ends,
      boolean evaluates, float threshold) throws IOException, InterruptedException {
    String[] hosts = new String[partitions];
    int[] ports = new int[partitions];
    for (int q = 0; q < partitions; q++) {
      hosts[q] = server.wire(q).in.readUTF();
      ports[q] = server.wire(q).in.readInt();
    }
    boolean perWorker = plan.averageParams() && !driver.averagesOptimizerState();
    List<float[]> shared = new ArrayList<>(List.of(driver.params(), driver.state()));
    if (!perWorker) {
      shared.addAll(Arrays.asList(driver.optimizerState(0)));
    }
    for (int q = 0; q < partitions; q++) {
      Wire w = server.wire(q);
      w.out.writeLong(session);
      w.out.writeInt(partitions);
      for (int r = 0; r < partitions; r++) {
        w.out.writeUTF(hosts[r]);
        w.out.writeInt(ports[r]);
      }
      StartState.writeChunk(w, shared, q, partitions);
      if (perWorker) {
        for (float[] o : driver.optimizerState(q)) {
          w.writeFloats(o, 0, o.length);
        }
      }
      w.out.writeLong(driver.step());
      w.out.writeLong(driver.lastCheckpointStep());
      w.out.flush();
    }
    Wire first = server.wire(0);
    SyncTotals sofar = new SyncTotals();
    while (true) {
      int type = RunStateReader.readType(first);
      int next = plan.firstStep() + (int) sofar.steps;
      switch (type) {
        case RingTask.PROGRESS -> {
          sofar.read(first.in);
          driver.recordSyncs(sofar);
          driver.progress(plan, plan.firstStep() + (int) sofar.steps);
        }
        case RingTask.SNAPSHOT -> {
          RunStateReader.read(server, driver, partitions, plan, type);
          driver.checkpointAt(plan, next);
        }
        case RingTask.END -> {
          if (next != plan.endStep()) {
            throw new IOException("partition 0 ended its epoch after local step " + next
                + " of " + plan.endStep());
          }
          RunStateReader.read(server, driver, partitions, plan, type);
          long endNs = System.nanoTime();
          if (ends == null) {
            return;
          }
          EvalSums val = evaluates
              ? EpochWord.readValidation(server, partitions, model, threshold) : null;
          Plan following;
          try {
            following = ends.ended(plan, endNs, val);
          } catch (IOException e) {
            throw new DirectExchange.EndOfEpochFailure(e);
          }
          if (following == null) {
            EpochWord.send(server, partitions, null, 0);
            return;
          }
          ends.starting(following);
          driver.markEpochStart();
          EpochWord.send(server, partitions, following, driver.lastCheckpointStep());
          advanced.accept(following);
          plan = following;
          sofar.clear();
        }
        default -> throw new IOException("partition 0 sent message type " + type);
      }
    }
  }
}
