package org.sparkprop.driver.train;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.sparkprop.driver.exchange.DriverSide;
import org.sparkprop.driver.exchange.SyncTotals;
import org.sparkprop.driver.store.CheckpointStore;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.trainer.train.DivergenceException;
import org.sparkprop.trainer.train.EpochMetrics;
import org.sparkprop.trainer.train.StepUpdate;

/**
 * The driver's side of one run's syncs: it combines the partitions' sums into the
 * {@link RunState} (gradient sync: divide once by the global row count and take the optimizer
 * step; parameter averaging: divide the row-weighted sums), keeps the epoch's totals and the
 * timing, writes mid-epoch checkpoints and prints progress. One per {@link SparkTrainer#fit}.
 */
final class DriverUpdate implements DriverSide {
  private static final long PROGRESS_NANOS = 2_000_000_000L;

  private final RunState run;
  private final StepUpdate update;
  private final TrainOptions opts;
  private final int partitions;
  private final CheckpointStore checkpoints;
  private final Map<String, String> checkpointMeta;
  private final List<EpochMetrics> history;
  private final Consumer<String> log;
  private final float[] paramSums;
  private final float[] stateSums;
  final Timing.Counters times = new Timing.Counters();
  EpochTotals epoch = new EpochTotals();
  /** The ring's totals of this epoch's try already counted. */
  private final SyncTotals reported = new SyncTotals();
  private RunState epochStart;
  private long epochStartNs;
  private long lastProgressNs;
  private long lastCheckpointStep;

  DriverUpdate(RunState run, StepUpdate update, TrainOptions opts, int partitions,
      CheckpointStore checkpoints, Map<String, String> checkpointMeta,
      List<EpochMetrics> history, Consumer<String> log) {
    this.run = run;
    this.update = update;
    this.opts = opts;
    this.partitions = partitions;
    this.checkpoints = checkpoints;
    this.checkpointMeta = checkpointMeta;
    this.history = history;
    this.log = log;
    this.paramSums = new float[run.params.length];
    this.stateSums = new float[run.state.length];
    this.lastCheckpointStep = run.step;
  }

  /** A new epoch starts now: fresh totals, progress timed from t0. */
  void beginEpoch(long t0) {
    epoch = new EpochTotals();
    epochStartNs = t0;
    lastProgressNs = t0;
  }

  @Override
  public float[] params() {
    return run.params;
  }

  @Override
  public float[] state() {
    return run.state;
  }

  @Override
  public float[][] optimizerState(int q) {
    return run.optimizerFor(q);
  }

  @Override
  public boolean averagesOptimizerState() {
    return opts.averageOptimizerState();
  }

  @Override
  public float[] paramSums() {
    return paramSums;
  }

  @Override
  public float[] stateSums() {
    return stateSums;
  }

  @Override
  public void combine(float[] a, float[] b, double lossSum, long correct, long rows, Plan plan,
      int j, int count) {
    float inv = 1f / rows;
    float[] p = run.params;
    float[] s = run.state;
    for (int i = 0; i < s.length; i++) {
      s[i] = b[i] * inv;
    }
    if (plan.averageParams()) {
      if (!Double.isFinite(lossSum)) {
        throw new DivergenceException("training diverged at epoch " + plan.epoch()
            + " in the local steps " + plan.globalStep(j) + "–" + plan.globalStep(j + count - 1)
            + " (lower the learning rate or enable --clip-norm)");
      }
      for (int i = 0; i < p.length; i++) {
        p[i] = a[i] * inv;
      }
      if (opts.averageOptimizerState()) {
        for (float[] o : run.optimizer) {
          for (int i = 0; i < o.length; i++) {
            o[i] *= inv;
          }
        }
      }
      run.step += count;
    } else {
      run.step++;
      epoch.gradNormSum += update.applySum(p, a, inv, lossSum * inv, run.step,
          plan.totalSteps(), plan.epoch());
    }
    epoch.add(lossSum, correct, rows);
  }

  @Override
  public void afterSync(Plan plan, int nextStep) throws IOException {
    if (checkpointEvery() > 0 && nextStep < plan.endStep()
        && run.step - lastCheckpointStep >= checkpointEvery()) {
      saveCheckpoint(plan.epoch(), nextStep);
    }
    progress(plan, nextStep);
  }

  @Override
  public void recordSyncs(SyncTotals sofar) {
    run.step += sofar.steps - reported.steps;
    epoch.lossSum = sofar.lossSum;
    epoch.correct = sofar.correct;
    epoch.rows = sofar.rows;
    epoch.gradNormSum = sofar.gradNormSum;
    epoch.syncs = sofar.syncs;
    times.computeNs += sofar.computeNs - reported.computeNs;
    times.commNs += sofar.communicationNs - reported.communicationNs;
    times.updateNs += sofar.updateNs - reported.updateNs;
    times.workerBytes = times.workerBytes < 0 ? -1
        : times.workerBytes + sofar.bytes - reported.bytes;
    times.syncs += sofar.syncs - reported.syncs;
    reported.set(sofar);
  }

  @Override
  public long step() {
    return run.step;
  }

  @Override
  public int checkpointEvery() {
    return checkpoints == null ? 0 : opts.checkpointEvery();
  }

  @Override
  public long lastCheckpointStep() {
    return lastCheckpointStep;
  }

  @Override
  public void checkpointAt(Plan plan, int nextStep) throws IOException {
    saveCheckpoint(plan.epoch(), nextStep);
  }

  @Override
  public void progress(Plan plan, int nextStep) {
    long now = System.nanoTime();
    if (now - lastProgressNs > PROGRESS_NANOS) {
      lastProgressNs = now;
      double secs = (now - epochStartNs) / 1e9;
      double rate = epoch.rows / secs;
      double eta = (plan.stepsPerEpoch() - nextStep) * (double) plan.rowsPerEpoch()
          / plan.stepsPerEpoch() * partitions / Math.max(rate, 1e-9);
      log.accept(String.format(Locale.ROOT,
          "epoch %d · step %d/%d · loss %.4f · %.0f samples/s · epoch ETA %.0f s",
          plan.epoch(), nextStep, plan.stepsPerEpoch(), epoch.lossSum / Math.max(1, epoch.rows),
          rate, eta));
    }
  }

  @Override
  public void addSyncTime(long computeNs, long communicationNs, long updateNs,
      long workerBytes) {
    if (workerBytes < 0 || times.workerBytes < 0) {
      times.workerBytes = -1;
    } else {
      times.workerBytes += workerBytes;
    }
    times.computeNs += computeNs;
    times.commNs += communicationNs;
    times.updateNs += updateNs;
    times.syncs++;
  }

  @Override
  public void markEpochStart() {
    epochStart = run.copy();
    reported.clear();
  }

  @Override
  public void rollBack() {
    run.restore(epochStart);
    epoch = new EpochTotals();
    reported.clear();
  }

  @Override
  public void log(String line) {
    log.accept(line);
  }

  /** Writes the checkpoint of the run at a cursor (epoch in progress, steps of it done). */
  void saveCheckpoint(int epochNumber, int stepInEpoch) throws IOException {
    long t0 = System.nanoTime();
    Map<String, String> meta = new LinkedHashMap<>(checkpointMeta);
    meta.put("history", HistoryCodec.encode(history));
    meta.put("partitions", Integer.toString(partitions));
    lastCheckpointStep = run.step;
    String file = checkpoints.save(run.toCheckpoint(epochNumber, stepInEpoch, meta));
    times.checkpointNs += System.nanoTime() - t0;
    log.accept("checkpoint: " + Fs.redact(file) + " (epoch " + epochNumber + ", step "
        + run.step + ")");
  }
}
