package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.sparkprop.driver.collective.BucketedAllReduce;
import org.sparkprop.driver.collective.Ring;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.driver.worker.WorkerSpec;
import org.sparkprop.trainer.model.GradientEngine.Progress;
import org.sparkprop.trainer.train.DivergenceException;
import org.sparkprop.trainer.train.StepUpdate;

/**
 * One epoch's syncs of a {@link RingTask} (see there for the protocol): the buffer, the
 * bucketed or whole all-reduce, the replicated or sharded update with its delayed norm, the
 * totals task 0 reports, and the run state sent at snapshots and at the end.
 */
final class RingSyncs implements Progress {
  private static final int TAIL = RingTask.TAIL;
  private static final long REPORT_NANOS = RingTask.REPORT_NANOS;
  /** The epoch running (the next one's once the driver says to go on). */
  private Plan plan;
  private final Endpoint driver;
  private final WorkerSpec work;
  private final int checkpointEvery;
  private final boolean averageOptimizerState;
  private final int bucketFloats;
  private final boolean shardOptimizer;
  private final boolean bf16;
  private final ShardWorker w;
  private final Block block;
  private final List<Block> validation;
  private final boolean runsOn;
  private final float threshold;
  private final Wire wire;
  private final int partition;
  private Ring ring;
  private final int n;
  private final int ns;
  private final float[] p;
  private final float[] s;
  private final List<float[]> opt;
  private final float[] buf;
  /** Gradient sync: the buffer reduced in buckets during the backward pass. */
  private BucketedAllReduce buckets;
  /** Gradient sync on P > 1 with --shard-optimizer: each task steps its own part. */
  private boolean sharded;
  /** This task's parts when sharded, {from, to} pairs ({@link BucketedAllReduce#ownedRanges}). */
  private int[] owned = new int[0];
  /**
   * Sharded without clipping the norm is deferred one step ({@link NormSquares}): saves its own
   * all-reduce on every step.
   */
  private boolean delayedNorm;
  private final NormSquares norms = new NormSquares();
  private int failStep;
  private final SyncTotals totals = new SyncTotals();
  /** Parameter averaging that keeps one optimizer state per worker. */
  private final boolean perWorker;
  private final StartState.Incoming start;
  private long lastReportNs = System.nanoTime();
  private long step;
  private long lastCheckpoint;

  RingSyncs(RingTask task, ShardWorker w, Block block, List<Block> validation, Wire wire,
      int partition, int size) throws IOException {
    this.plan = task.plan;
    this.block = block;
    this.validation = validation;
    this.runsOn = task.runsOn;
    this.threshold = task.threshold;
    this.driver = task.driver;
    this.work = task.work;
    this.checkpointEvery = task.checkpointEvery;
    this.averageOptimizerState = task.averageOptimizerState;
    this.bucketFloats = task.bucketFloats;
    this.shardOptimizer = task.shardOptimizer;
    this.bf16 = task.bf16;
    this.w = w;
    this.wire = wire;
    this.partition = partition;
    this.n = w.paramCount();
    this.ns = w.stateCount();
    this.p = new float[n];
    this.s = new float[ns];
    this.opt = w.optimizer().state();
    if (plan.averageParams()) {
      this.buf = new float[n + ns + (averageOptimizerState ? opt.size() * n : 0) + TAIL];
    } else {
      // The engine writes the gradient sum into [0, n); state and counts go after it, then
      // the previous step's squared-norm part (the delayed norm).
      this.buf = w.reserveAfterGradient(ns + TAIL + 2);
    }
    // This task's chunk of the shared start state (the rest arrives in run's all-gather),
    // then its own optimizer state whole when every worker keeps one.
    this.perWorker = plan.averageParams() && !averageOptimizerState;
    List<float[]> shared = new ArrayList<>(List.of(p, s));
    if (!perWorker) {
      shared.addAll(opt);
    }
    start = new StartState.Incoming(wire, shared, partition, size);
    if (perWorker) {
      for (float[] o : opt) {
        wire.readFloats(o, 0, n);
      }
    }
    step = wire.in.readLong();
    lastCheckpoint = wire.in.readLong();
    failStep = injectedFailureStep();
  }

  long run(Ring joined) throws IOException {
    this.ring = joined;
    start.complete(joined);
    if (!plan.averageParams() && joined.size() > 1) {
      // Bucket 0 is the state and counts (all-reduced, sent once the forward pass is done),
      // then the gradient from its end; sharded, the gradient is only reduce-scattered.
      int[] cuts = BucketedAllReduce.cutsAtPoints(w.gradientReadyPoints(), bucketFloats,
          n);
      int[] withState = Arrays.copyOf(cuts, cuts.length + 1);
      withState[cuts.length] = n;
      sharded = shardOptimizer;
      delayedNorm = sharded && work.config().clipNorm() == 0;
      buckets = new BucketedAllReduce(joined, buf, buf.length, withState, sharded ? n : 0,
          bf16, n);
      owned = buckets.ownedRanges();
    }
    try {
      long busy = runSyncs();
      while (runsOn && nextEpoch()) {
        busy += runSyncs();
      }
      return busy;
    } finally {
      if (buckets != null) {
        buckets.close();
      }
    }
  }

  /**
   * After an epoch of a stage that runs on: this partition's validation sums to the driver (if
   * the stage has validation shards), then its word: the next epoch begun on the same ring, or
   * false to stop.
   */
  private boolean nextEpoch() throws IOException {
    EpochWord.sendValidation(wire, validation, work.model(), p, s, threshold);
    EpochWord.Next next = EpochWord.read(wire, partition, plan);
    if (next == null) {
      return false;
    }
    plan = next.plan();
    lastCheckpoint = next.lastCheckpoint();
    w.beginEpoch(block, plan.epoch(), plan.rowsFor(block.rows()));
    totals.clear();
    failStep = injectedFailureStep();
    return true;
  }

  /** The local step of this epoch at which a test's injected failure fails the task, or -1. */
  private int injectedFailureStep() {
    return DirectTask.injectedFailureStep(TaskContext.get().getLocalProperty(
        DirectTask.FAIL_AT), plan, driver, partition);
  }

  private long runSyncs() throws IOException {
    long busy = 0;
    for (int j = plan.firstStep(); j < plan.endStep(); ) {
      int count = plan.stepsInSync(j);
      try {
        busy += sync(j, count);
      } catch (DivergenceException e) {
        fail(RingTask.DIVERGED, e.getMessage());
        throw e;
      } catch (RuntimeException e) {
        fail(DirectTask.FAILED, "partition " + partition + ": " + e);
        throw e;
      }
      j += count;
      if (checkpointEvery > 0 && j < plan.endStep()
          && step - lastCheckpoint >= checkpointEvery) {
        checkedSendState(RingTask.SNAPSHOT);
        lastCheckpoint = step;
      }
    }
    checkedSendState(RingTask.END);
    return busy;
  }

  /** sendState, telling the driver when the last step's delayed check finds divergence. */
  private void checkedSendState(int type) throws IOException {
    try {
      sendState(type);
    } catch (DivergenceException e) {
      fail(RingTask.DIVERGED, e.getMessage());
      throw e;
    }
  }

  /** One sync of count local steps starting at j; returns the compute nanoseconds. */
  private long sync(int j, int count) throws IOException {
    if (j <= failStep && failStep < j + count) {
      throw new IllegalStateException("injected failure at epoch " + plan.epoch()
          + ", step " + failStep);
    }
    long t0 = System.nanoTime();
    boolean avg = plan.averageParams();
    long bytesBefore = ring.bytesSent() + ring.bytesReceived();
    long t1;
    int at;
    if (avg) {
      w.localSteps(p, s, j, count, plan.globalStep(j), plan.totalSteps());
      float rows = w.rows();
      for (int i = 0; i < n; i++) {
        buf[i] = p[i] * rows;
      }
      at = fillStateAndCounts(n, rows);
      t1 = System.nanoTime();
      ring.allReduce(buf, 0, buf.length);
    } else if (buckets == null) {
      w.gradientSum(p, s, j, plan.globalStep(j));
      at = fillStateAndCounts(n, w.rows());
      t1 = System.nanoTime();
    } else {
      // The buckets go on the wire from the communication thread as the backward pass
      // finishes them (forwardDone fills the state and counts that travel in bucket 0).
      buckets.begin();
      w.gradientSum(p, s, j, plan.globalStep(j), this);
      at = n + ns;
      t1 = System.nanoTime();
      buckets.await();
    }
    long t2 = System.nanoTime();
    if (sharded) {
      return shardedStep(j, at, t0, t1, t2, bytesBefore);
    }
    long bytes = ring.bytesSent() + ring.bytesReceived() - bytesBefore;
    float inv = 1f / buf[at];
    double lossSum = FloatPairs.join(buf, at + 2);
    for (int i = 0; i < ns; i++) {
      s[i] = buf[n + i] * inv;
    }
    double norm = Double.NaN;
    if (avg) {
      if (!Double.isFinite(lossSum)) {
        throw new DivergenceException("training diverged at epoch " + plan.epoch()
            + " in the local steps " + plan.globalStep(j) + "–"
            + plan.globalStep(j + count - 1) + " (lower the learning rate or enable "
            + "--clip-norm)");
      }
      for (int i = 0; i < n; i++) {
        p[i] = buf[i] * inv;
      }
      if (averageOptimizerState) {
        int o0 = n + ns;
        for (float[] o : opt) {
          for (int i = 0; i < n; i++) {
            o[i] = buf[o0 + i] * inv;
          }
          o0 += n;
        }
      }
      step += count;
    } else {
      step++;
      norm = w.stepSum(p, buf, inv, lossSum * inv, step, plan.totalSteps());
    }
    long t3 = System.nanoTime();
    totals.add(count, lossSum, (long) buf[at + 1], (long) buf[at], norm, t1 - t0, t2 - t1,
        t3 - t2, bytes);
    if (partition == 0 && t3 - lastReportNs >= REPORT_NANOS) {
      report(t3);
    }
    return t1 - t0;
  }

  /**
   * Writes state × rows after buf's first n floats, then (averaging) the optimizer state ×
   * rows, then rows, correct and the loss sum as two floats; returns where those four start.
   */
  private int fillStateAndCounts(int at, float rows) {
    for (int i = 0; i < ns; i++) {
      buf[at + i] = s[i] * rows;
    }
    at += ns;
    if (plan.averageParams() && averageOptimizerState) {
      for (float[] o : opt) {
        for (int i = 0; i < n; i++) {
          buf[at + i] = o[i] * rows;
        }
        at += n;
      }
    }
    buf[at] = rows;
    buf[at + 1] = w.correct();
    FloatPairs.split(w.lossSum(), buf, at + 2);
    return at;
  }

  /**
   * The sharded optimizer step (ZeRO stage 1) after the reduce-scatter: this task's parts of
   * the gradient sum become the mean gradient, the squared norm's parts are all-reduced, the
   * task steps its parts of the parameters and optimizer state, and the parameters are
   * all-gathered. Returns the compute nanoseconds.
   */
  private long shardedStep(int j, int at, long t0, long t1, long t2, long bytesBefore)
      throws IOException {
    float inv = 1f / buf[at];
    double lossSum = FloatPairs.join(buf, at + 2);
    for (int i = 0; i < ns; i++) {
      s[i] = buf[n + i] * inv;
    }
    StepUpdate update = w.update();
    if (delayedNorm && norms.pending()) {
      totals.addGradNorm(norms.finish(update, FloatPairs.join(buf, at + TAIL), plan.epoch()));
    }
    double squares = 0;
    for (int r = 0; r < owned.length; r += 2) {
      // The sums become the mean gradient in the same pass.
      squares += update.squares(p, buf, inv, owned[r], owned[r + 1]);
    }
    long t3 = System.nanoTime();
    step++;
    double norm;
    if (delayedNorm) {
      norms.defer(squares, lossSum * inv, step);
      norm = Double.NaN;
    } else {
      norm = update.norm(norms.allReduce(ring, squares), lossSum * inv, step, plan.epoch());
    }
    long t4 = System.nanoTime();
    float clip = update.begin(delayedNorm ? 0 : norm, step, plan.totalSteps());
    for (int r = 0; r < owned.length; r += 2) {
      update.stepShard(p, buf, clip, step, owned[r], owned[r + 1]);
    }
    long t5 = System.nanoTime();
    buckets.allGather(p);
    long t6 = System.nanoTime();
    long bytes = ring.bytesSent() + ring.bytesReceived() - bytesBefore;
    totals.add(1, lossSum, (long) buf[at + 1], (long) buf[at], norm, t1 - t0,
        (t2 - t1) + (t4 - t3) + (t6 - t5), (t3 - t2) + (t5 - t4), bytes);
    if (partition == 0 && t6 - lastReportNs >= REPORT_NANOS) {
      report(t6);
    }
    return t1 - t0;
  }

  /** Before a snapshot and at the end: the last step's norm, by its own all-reduce. */
  private void flushPending() throws IOException {
    if (!delayedNorm || !norms.pending()) {
      return;
    }
    long t0 = System.nanoTime();
    long bytes = ring.bytesSent() + ring.bytesReceived();
    totals.addGradNorm(norms.flush(ring, w.update(), plan.epoch()));
    totals.addCommunication(System.nanoTime() - t0,
        ring.bytesSent() + ring.bytesReceived() - bytes);
  }

  @Override
  public void forwardDone(double lossSum) {
    int at = fillStateAndCounts(n, w.rows());
    if (delayedNorm) {
      // The previous step's part of the squared norm (none at an epoch's first step).
      norms.writePart(buf, at + TAIL);
    }
    buckets.ready(n);
  }

  @Override
  public void gradientReady(int from) {
    buckets.ready(from);
  }

  /** Task 0: the try's totals so far, for metrics and the progress line. */
  private void report(long now) throws IOException {
    wire.out.writeInt(RingTask.PROGRESS);
    totals.write(wire.out);
    wire.out.flush();
    lastReportNs = now;
  }

  /**
   * Task 0: its totals, then parameters, state, optimizer state, step; others: their
   * optimizer state.
   */
  private void sendState(int type) throws IOException {
    flushPending();
    if (partition == 0) {
      report(System.nanoTime());
      wire.out.writeInt(type);
      wire.writeFloats(p, 0, n);
      wire.writeFloats(s, 0, ns);
      wire.out.writeInt(sharded ? RingTask.OPTIMIZER_SHARDED : RingTask.OPTIMIZER_WHOLE);
      if (sharded) {
        sendOwnedOptimizerState();
      } else {
        for (float[] o : opt) {
          wire.writeFloats(o, 0, n);
        }
      }
      wire.out.writeLong(step);
    } else if (sharded) {
      wire.out.writeInt(type);
      sendOwnedOptimizerState();
    } else if (perWorker) {
      wire.out.writeInt(type);
      for (float[] o : opt) {
        wire.writeFloats(o, 0, n);
      }
    }
    wire.out.flush();
  }

  /** int R, R × (int from, int to), then for each optimizer array its floats there. */
  private void sendOwnedOptimizerState() throws IOException {
    wire.out.writeInt(owned.length / 2);
    for (int v : owned) {
      wire.out.writeInt(v);
    }
    for (float[] o : opt) {
      for (int r = 0; r < owned.length; r += 2) {
        wire.writeFloats(o, owned[r], owned[r + 1] - owned[r]);
      }
    }
  }

  private void fail(int status, String reason) {
    wire.tellFailure(status, DirectTask.oneLine(reason));
  }
}
