package org.sparkprop.driver.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.eval.EvalSums;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.exchange.EpochEnds;
import org.sparkprop.driver.exchange.EpochRunner;
import org.sparkprop.driver.store.CheckpointStore;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.driver.worker.WorkerSpec;
import org.sparkprop.trainer.io.Checkpoint;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.loss.Loss;
import org.sparkprop.trainer.model.Device;
import org.sparkprop.trainer.model.Engines;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.train.EarlyStopping;
import org.sparkprop.trainer.train.EpochMetrics;
import org.sparkprop.trainer.train.Evaluation;
import org.sparkprop.trainer.train.LossWatch;
import org.sparkprop.trainer.train.StepUpdate;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * Synchronous data-parallel training on Spark: the epoch loop. The training data is a cached
 * RDD of one {@link Block} per partition; each epoch every partition walks its own shuffled
 * shard in local steps of {@code batch} rows (global batch = partitions × batch). The
 * algorithm is {@link Sync}, the way numbers move is the {@link EpochRunner} of the chosen
 * exchange, and the driver's part of every sync is {@link DriverUpdate}. After each epoch: the
 * validation set, early stopping, the epoch hook, a checkpoint.
 *
 * <p>Not thread-safe. Checkpoints go to {@link CheckpointStore}; a resumed run continues the
 * same random streams, so it ends where an uninterrupted run would.
 */
public final class SparkTrainer {
  private final JavaSparkContext sc;
  private final MlpSpec spec;
  private final TrainConfig cfg;
  private final TrainOptions opts;
  private final int paramCount;
  private final int stateCount;
  private final int[] decayRanges;
  private CheckpointStore checkpoints;
  private Map<String, String> checkpointMeta = Map.of();
  private Consumer<String> log = line -> { };
  private Device device = Device.AUTO;
  private BiConsumer<float[], float[]> epochHook = (p, s) -> { };
  private JavaRDD<Block> validation;
  private JavaRDD<Block> monitor;
  private Checkpoint resume;
  private float threshold = 0.5f;
  private boolean fullBatch;

  /** A trainer of spec with cfg, distributed as opts says; the rest is optional (below). */
  public SparkTrainer(JavaSparkContext sc, MlpSpec spec, TrainConfig cfg, TrainOptions opts) {
    if (!spec.trainable()) {
      throw new IllegalArgumentException("the network has binary step units, which have no "
          + "gradient: evaluate it, or train one layer of them with the perceptron rule");
    }
    this.sc = sc;
    this.spec = spec;
    this.cfg = cfg;
    this.opts = opts;
    Mlp shape = new Mlp(spec, 1, Kernels.newGemm("java"));
    this.paramCount = shape.paramCount();
    this.stateCount = shape.stateLayout().total();
    this.decayRanges = shape.paramLayout().decayRanges();
  }

  /** Writes checkpoints to store (epoch ends, and every checkpointEvery steps), with meta. */
  public SparkTrainer checkpointTo(CheckpointStore store, Map<String, String> meta) {
    this.checkpoints = store;
    this.checkpointMeta = Map.copyOf(meta);
    return this;
  }

  /** Progress and per-epoch lines go to out (default: nowhere). */
  public SparkTrainer logTo(Consumer<String> out) {
    this.log = out;
    return this;
  }

  /** Where the workers compute (default {@link Device#AUTO}; see Engines). */
  public SparkTrainer onDevice(Device d) {
    Engines.validate(d, spec);
    this.device = d;
    return this;
  }

  /** Called with (parameters, state) after every epoch, e.g. for per-layer monitoring. */
  public SparkTrainer onEpoch(BiConsumer<float[], float[]> hook) {
    this.epochHook = hook;
    return this;
  }

  /** Evaluates data after every epoch for the history and early stopping. */
  public SparkTrainer validateOn(JavaRDD<Block> data) {
    this.validation = data;
    return this;
  }

  /**
   * Full-batch gradient descent: one step per epoch over every training row, each worker its
   * whole shard (the batch must hold the largest shard).
   */
  public SparkTrainer fullBatch(boolean on) {
    this.fullBatch = on;
    return this;
  }

  /** The probability from which a label counts as predicted in the validation measures. */
  public SparkTrainer threshold(float t) {
    this.threshold = t;
    return this;
  }

  /**
   * Evaluates data after every epoch outside the timed training, into
   * {@link TrainResult#monitorAccuracy()} (time-to-accuracy benchmarks).
   */
  public SparkTrainer monitor(JavaRDD<Block> data) {
    this.monitor = data;
    return this;
  }

  /** Continues the run checkpoint c belongs to instead of starting from the given weights. */
  public SparkTrainer resumeFrom(Checkpoint c) {
    this.resume = c;
    return this;
  }

  /** Steps per epoch for rows training rows over the given partitions. */
  public static int stepsPerEpoch(long rows, int partitions, int batch) {
    return ShardWorker.stepsPerEpoch((int) (rows / partitions), batch);
  }

  /**
   * Trains w's parameters and state in place on train (rows in total, one Block per
   * partition) and returns what happened.
   */
  public TrainResult fit(JavaRDD<Block> train, long rows, Weights w)
      throws IOException, InterruptedException {
    float[] params = w.params();
    float[] state = w.state();
    if (params.length != paramCount || state.length != stateCount) {
      throw new IllegalArgumentException("parameters (" + params.length + ") and state ("
          + state.length + ") do not match " + spec.arch() + " (" + paramCount + ", "
          + stateCount + ")");
    }
    int partitions = train.getNumPartitions();
    if (fullBatch) {
      int largest = train.map(Block::rows).reduce(Math::max);
      if (largest > cfg.batchSize()) {
        throw new IllegalArgumentException("full batch: the largest shard has " + largest
            + " rows, more than the batch of " + cfg.batchSize());
      }
    }
    int rowsPerEpoch = (int) (rows / partitions);
    if (rowsPerEpoch < 1) {
      throw new IllegalArgumentException(rows + " training rows cannot fill " + partitions
          + " partitions");
    }
    int steps = ShardWorker.stepsPerEpoch(rowsPerEpoch, cfg.batchSize());
    long total = (long) steps * cfg.epochs();
    StepUpdate update = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), params.length,
        decayRanges), decayRanges, params.length);
    RunState run = newRunState(params, state, update, partitions);
    List<EpochMetrics> history = new ArrayList<>();
    int startEpoch = 1;
    int startStep = 0;
    if (resume != null) {
      checkResumable(resume, partitions, steps);
      run.restore(resume, spec.arch(), cfg.optimizer().name());
      history.addAll(HistoryCodec.decode(resume.metadata().getOrDefault("history", ""),
          "checkpoint"));
      log.accept("resumed from the checkpoint at epoch " + resume.epoch() + ", step "
          + resume.step());
      startEpoch = resume.epoch();
      startStep = resume.stepInEpoch();
    }
    DriverUpdate driver = new DriverUpdate(run, update, opts, partitions, checkpoints,
        checkpointMeta, history, log);
    List<Double> secondsAt = new ArrayList<>();
    double trainingSeconds = 0;
    if (resume != null) {
      // The restored epochs keep their place in the time line (time-to-accuracy milestones).
      for (EpochMetrics m : history) {
        trainingSeconds += m.seconds();
        secondsAt.add(trainingSeconds);
      }
      log.accept("resuming at epoch " + startEpoch + ", step " + run.step + " ("
          + history.size() + " finished epochs restored)");
    }
    Epochs loop = new Epochs(run, driver, history, steps, total, rowsPerEpoch,
        trainingSeconds, secondsAt);
    Plan first = loop.planFor(startEpoch, startStep);
    if (first != null) {
      try (EpochRunner runner = EpochRunner.open(opts.exchange(), sc,
          new WorkerSpec(spec, cfg, device), opts.syncTimeoutSeconds(), opts.ring())) {
        // Between epochs only the monitor needs a Spark job of its own.
        runner.runEpochs(train, validation, threshold, monitor == null, first, driver,
            loop);
      }
    }
    EarlyStopping stopping = loop.stopping;
    stopping.restore(params, state);
    return new TrainResult(params, state, history, stopping.bestEpoch(history.size()),
        loop.stoppedEarly, run.step, driver.times.toTiming(), loop.epochTiming,
        loop.monitorAcc, secondsAt);
  }

  /**
   * The epoch loop's driver side ({@link EpochEnds}): each epoch's plan, then its metrics,
   * validation, hook, monitor, checkpoint and early stopping.
   */
  private final class Epochs implements EpochEnds {
    private final RunState run;
    private final DriverUpdate driver;
    private final List<EpochMetrics> history;
    private final int steps;
    private final long total;
    private final int rowsPerEpoch;
    private final List<Double> secondsAt;
    private final Loss loss = spec.lossFunction();
    final EarlyStopping stopping = new EarlyStopping(cfg.patience(), cfg.restoreBest());
    private final LossWatch lossWatch = new LossWatch(spec.loss(), spec.outputs());
    final List<Double> monitorAcc = new ArrayList<>();
    final List<Timing> epochTiming = new ArrayList<>();
    private double trainingSeconds;
    boolean stoppedEarly;
    private long t0;
    private Timing before;

    Epochs(RunState run, DriverUpdate driver, List<EpochMetrics> history, int steps,
        long total, int rowsPerEpoch, double trainingSeconds,
        List<Double> secondsAt) {
      this.run = run;
      this.driver = driver;
      this.history = history;
      this.steps = steps;
      this.total = total;
      this.rowsPerEpoch = rowsPerEpoch;
      this.trainingSeconds = trainingSeconds;
      this.secondsAt = secondsAt;
      for (EpochMetrics m : history) {
        lossWatch.check(m.epoch(), m.trainLoss());  // a resumed run keeps its lowest epoch
      }
    }

    /** Epoch epoch's plan from local step first; null when the epochs or steps are done. */
    Plan planFor(int epoch, int first) {
      if (epoch > cfg.epochs() || opts.maxSteps() > 0 && run.step >= opts.maxSteps()) {
        return null;
      }
      return new Plan(epoch, first, endStep(first, steps, run.step), steps, rowsPerEpoch,
          opts.stepsPerSync(), opts.sync() == Sync.PARAMS, total, fullBatch);
    }

    @Override
    public void starting(Plan plan) {
      t0 = System.nanoTime();
      driver.beginEpoch(t0);
      before = driver.times.toTiming();
    }

    @Override
    public Plan ended(Plan done, long endNs, EvalSums inStage)
        throws IOException, InterruptedException {
      int epoch = done.epoch();
      if (done.endStep() < steps) {
        // Stopped by the step budget inside the epoch: checkpoint the cursor and return.
        if (checkpoints != null) {
          driver.saveCheckpoint(epoch, done.endStep());
        }
        return null;
      }
      double secs = (endNs - t0) / 1e9;
      epochTiming.add(driver.times.toTiming().minus(before));
      // Evaluated by the tasks, the evaluation took from the epoch's end to its sums here.
      long te = inStage != null ? endNs : System.nanoTime();
      float[] params = run.params;
      float[] state = run.state;
      Evaluation val = inStage != null ? Evaluator.evaluation(inStage, spec)
          : validation == null ? Evaluation.none()
          : Evaluator.evaluate(sc, validation, spec, params, state, threshold);
      driver.times.evalNs += System.nanoTime() - te;
      trainingSeconds += secs;
      EpochTotals tot = driver.epoch;
      EpochMetrics m = new EpochMetrics(epoch, tot.lossSum / Math.max(1, tot.rows),
          loss.accuracy(tot.correct, tot.rows, spec.outputs()), val.loss(), val.accuracy(),
          cfg.schedule().lr(cfg.lr(), Math.max(0, run.step - 1), total), secs,
          tot.rows / secs, tot.syncs == 0 || opts.sync() == Sync.PARAMS ? Double.NaN
              : tot.gradNormSum / tot.syncs, EpochMetrics.taskMeasures(spec.task(),
                  tot.lossSum / Math.max(1, tot.rows), spec.outputs(), val));
      log.accept(m.line());
      // Before the epoch's checkpoint: a run that exploded keeps its last good one.
      lossWatch.check(epoch, m.trainLoss());
      history.add(m);
      epochHook.accept(params, state);
      secondsAt.add(trainingSeconds);
      if (monitor != null) {
        long tm = System.nanoTime();
        monitorAcc.add(Evaluator.evaluate(sc, monitor, spec, params, state, threshold)
            .accuracy());
        driver.times.evalNs += System.nanoTime() - tm;
      }
      boolean stop = stopping.update(epoch, val, params, state);
      if (checkpoints != null) {
        driver.saveCheckpoint(epoch + 1, 0);
      }
      if (stop) {
        stoppedEarly = true;
        return null;
      }
      return planFor(epoch + 1, 0);
    }
  }

  /**
   * The local step an epoch that starts at first stops before: the epoch's end, or earlier
   * when the step budget ends inside it (in whole syncs: parameter averaging stops at a round
   * boundary). done &lt; the budget.
   */
  private int endStep(int first, int steps, long done) {
    if (opts.maxSteps() <= 0) {
      return steps;
    }
    long left = opts.maxSteps() - done;
    int k = opts.stepsPerSync();
    long syncsLeft = (left + k - 1) / k;
    return (int) Math.min(steps, first + syncsLeft * k);
  }

  /** The run state over the caller's arrays and the driver optimizer's state arrays. */
  private RunState newRunState(float[] params, float[] state, StepUpdate update,
      int partitions) {
    int n = params.length;
    // The driver optimizer's own arrays: its state with gradient sync, and the averaged
    // worker state with parameter averaging (the driver optimizer does not step then).
    float[][] opt = update.optimizer().state().toArray(new float[0][]);
    float[][][] perWorker = null;
    if (opts.sync() == Sync.PARAMS && !opts.averageOptimizerState()) {
      perWorker = new float[partitions][opt.length][n];
    }
    return new RunState(params, state, opt, perWorker);
  }

  /** A checkpoint continues this run only with the same partitions and steps per epoch. */
  private static void checkResumable(Checkpoint c, int partitions, int stepsPerEpoch) {
    String parts = c.metadata().get("partitions");
    if (parts != null && Integer.parseInt(parts) != partitions) {
      throw new IllegalArgumentException("the checkpoint was written with " + parts
          + " partitions; resume with --partitions " + parts + " (the shards and their random "
          + "streams depend on it)");
    }
    long expected = (long) (c.epoch() - 1) * stepsPerEpoch + c.stepInEpoch();
    if (expected != c.step()) {
      throw new IllegalArgumentException("the checkpoint's cursor (epoch " + c.epoch()
          + ", step " + c.step() + ") does not match " + stepsPerEpoch + " steps per epoch: "
          + "resume with the same data, batch and partitions");
    }
  }
}
