package org.sparkprop.driver.train;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.io.CheckpointStore;
import org.sparkprop.trainer.io.Checkpoint;
import org.sparkprop.trainer.loss.Loss;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.Engines;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.train.DivergenceException;
import org.sparkprop.trainer.train.EarlyStopping;
import org.sparkprop.trainer.train.EpochMetrics;
import org.sparkprop.trainer.train.Evaluation;
import org.sparkprop.trainer.train.StepUpdate;
import org.sparkprop.trainer.train.TrainConfig;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training on Spark. The training data is a cached RDD of one
 * {@link Block} per partition; each epoch every partition walks its own shuffled shard in
 * local steps of {@code batch} rows (global batch = partitions × batch).
 *
 * <p>Two algorithms, named as such:
 * <ul>
 *   <li><b>gradient</b> (default): every step each partition computes the gradient SUM over its
 *       local batch; the driver adds the sums in partition order, divides once by the global
 *       example count, applies L2/clipping and takes the one optimizer step (optimizer state
 *       lives only on the driver), and sends the new parameters back. This is the same update
 *       as single-machine training on the concatenated global batch.</li>
 *   <li><b>params</b>: each partition takes k local optimizer steps on its own shard, then
 *       parameters (and, by a flag, optimizer state) are averaged, weighted by example count.
 *       Fewer syncs, a different algorithm; with plain SGD and k = 1 it equals gradient sync.</li>
 * </ul>
 * and two ways to move the numbers:
 * <ul>
 *   <li><b>direct</b> (default): one Spark barrier stage per epoch; its tasks keep a TCP
 *       connection to the driver and exchange sums and parameters every sync (see
 *       {@link DirectTask}). No Spark job per step.</li>
 *   <li><b>spark</b>: one Spark job per step (broadcast the parameters, treeReduce the sums,
 *       destroy the broadcast), as Spark MLlib's optimisers do. Gradient sync only.</li>
 * </ul>
 * Not thread-safe. Checkpoints go to {@link CheckpointStore}; a resumed run continues the same
 * random streams, so it ends where an uninterrupted run would.
 */
public final class SparkTrainer {
  public enum Sync { GRADIENT, PARAMS }

  public enum Exchange { DIRECT, SPARK }

  /** Distribution options (the model and optimizer are in the MlpSpec and TrainConfig). */
  public record Options(Sync sync, int averageEvery, boolean averageOptimizerState,
      Exchange exchange, int checkpointEvery, int syncTimeoutSeconds, long maxSteps)
      implements Serializable {
    public Options {
      if (averageEvery < 1) {
        throw new IllegalArgumentException("--average-every must be ≥ 1, got " + averageEvery);
      }
      if (sync == Sync.PARAMS && exchange == Exchange.SPARK) {
        throw new IllegalArgumentException("--sync params needs --exchange direct (the local "
            + "optimizer state lives in the epoch's long-running task)");
      }
      if (checkpointEvery < 0) {
        throw new IllegalArgumentException("--checkpoint-every must be ≥ 0, got "
            + checkpointEvery);
      }
      if (maxSteps < 0) {
        throw new IllegalArgumentException("--max-steps must be ≥ 0 (0 = no limit)");
      }
      if (syncTimeoutSeconds < 1) {
        throw new IllegalArgumentException("sync timeout must be ≥ 1 s");
      }
    }

    public static Options defaults() {
      return new Options(Sync.GRADIENT, 1, true, Exchange.DIRECT, 0, 600, 0);
    }

    public Options with(Sync s, int k, Exchange e) {
      return new Options(s, k, averageOptimizerState, e, checkpointEvery, syncTimeoutSeconds,
          maxSteps);
    }

    public Options withCheckpointEvery(int steps) {
      return new Options(sync, averageEvery, averageOptimizerState, exchange, steps,
          syncTimeoutSeconds, maxSteps);
    }

    public Options withAverageOptimizerState(boolean b) {
      return new Options(sync, averageEvery, b, exchange, checkpointEvery, syncTimeoutSeconds,
          maxSteps);
    }

    /** Stop (with a checkpoint) once this many steps are done; 0 = no limit. */
    public Options withMaxSteps(long steps) {
      return new Options(sync, averageEvery, averageOptimizerState, exchange, checkpointEvery,
          syncTimeoutSeconds, steps);
    }
  }

  /** Where the training wall time went (seconds, summed over syncs). */
  public record Timing(double compute, double communication, double driverUpdate,
      double evaluation, double checkpoint, long syncs) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("compute_seconds", compute);
      m.put("communication_seconds", communication);
      m.put("driver_update_seconds", driverUpdate);
      m.put("evaluation_seconds", evaluation);
      m.put("checkpoint_seconds", checkpoint);
      m.put("syncs", syncs);
      double step = compute + communication + driverUpdate;
      m.put("communication_share", step == 0 ? 0 : communication / step);
      return m;
    }
  }

  /** The outcome of {@link #fit}. monitorAccuracy[i] is the monitor set's accuracy after epoch i+1. */
  public record Result(float[] params, float[] state, List<EpochMetrics> history, int bestEpoch,
      boolean stoppedEarly, long steps, Timing timing, List<Double> monitorAccuracy,
      List<Double> trainingSecondsAtEpoch) {}

  private final JavaSparkContext sc;
  private final MlpSpec spec;
  private final TrainConfig cfg;
  private final Options opts;
  private final CheckpointStore checkpoints;
  private final Map<String, String> checkpointMeta;
  private final Consumer<String> log;
  private final int n;
  private final int stateSize;
  private final int[] decayRanges;
  private String device = "auto";

  // Per-run state.
  private float[] p;
  private float[] s;
  private long step;
  private StepUpdate update;
  private float[][] optAvg;
  private float[][][] optPerWorker;
  private int partitions;
  // Per-epoch accumulators.
  private double epochLoss;
  private long epochCorrect;
  private long epochRows;
  private double epochNorm;
  private long epochSyncs;
  private long computeNs;
  private long commNs;
  private long updateNs;
  private long evalNs;
  private long checkpointNs;
  private long syncs;
  private long lastProgress;
  private long lastCheckpointStep;
  private long epochStartNs;
  private List<EpochMetrics> history;
  private java.util.function.BiConsumer<float[], float[]> epochHook = (a, b) -> { };

  /** Called with (parameters, state) after every epoch, e.g. for per-layer monitoring. */
  /** Where the workers compute: "auto" (the default), "cpu" or "gpu" (see Engines). */
  public SparkTrainer onDevice(String d) {
    Engines.validate(d, spec);
    this.device = d;
    return this;
  }

  /**
   * What each of the P training partitions' executors chooses for --device (one small job;
   * a task fails where --device gpu finds no GPU): choice line → number of partitions.
   */
  public static Map<String, Integer> devices(JavaSparkContext sc, MlpSpec spec, String device,
      int partitions) {
    List<Integer> ids = new java.util.ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      ids.add(i);
    }
    sc.setJobDescription("device probe");
    Map<String, Integer> out = new java.util.TreeMap<>();
    List<String> lines;
    try {
      lines = sc.parallelize(ids, partitions)
          .map(i -> Engines.choose(device, spec, ShardWorker.gpuOrdinal()).line()).collect();
    } catch (Exception e) {
      // "--device gpu: no usable GPU: …" from an executor, without Spark's wrapping.
      String m = org.sparkprop.driver.io.Fs.rootMessage(e);
      int at = m.indexOf("--device gpu:");
      throw new IllegalStateException(at >= 0 ? m.substring(at).split("\n")[0] : m, e);
    }
    for (String line : lines) {
      out.merge(line, 1, Integer::sum);
    }
    return out;
  }

  public SparkTrainer onEpoch(java.util.function.BiConsumer<float[], float[]> hook) {
    this.epochHook = hook;
    return this;
  }

  public SparkTrainer(JavaSparkContext sc, MlpSpec spec, TrainConfig cfg, Options opts,
      CheckpointStore checkpoints, Map<String, String> checkpointMeta, Consumer<String> log) {
    this.sc = sc;
    this.spec = spec;
    this.cfg = cfg;
    this.opts = opts;
    this.checkpoints = checkpoints;
    this.checkpointMeta = Map.copyOf(checkpointMeta);
    this.log = log == null ? x -> { } : log;
    Mlp shape = new Mlp(spec, 1, org.sparkprop.trainer.kernel.Kernels.newGemm("java"));
    this.n = shape.paramCount();
    this.stateSize = shape.stateLayout().total();
    this.decayRanges = shape.paramLayout().decayRanges();
  }

  /** Steps per epoch for rows training rows over the given partitions. */
  public static int stepsPerEpoch(long rows, int partitions, int batch) {
    return ShardWorker.stepsPerEpoch((int) (rows / partitions), batch);
  }

  /**
   * Trains (p, s) in place on train (rows in total, one Block per partition). validation (may
   * be null) drives early stopping; monitor (may be null) is evaluated after every epoch
   * outside the timed training (for time-to-accuracy benchmarks). resume (may be null)
   * continues a checkpointed run.
   */
  public Result fit(JavaRDD<Block> train, long rows, JavaRDD<Block> validation,
      JavaRDD<Block> monitor, float[] params, float[] state, Checkpoint resume)
      throws IOException, InterruptedException {
    partitions = train.getNumPartitions();
    int rowsPerEpoch = (int) (rows / partitions);
    if (rowsPerEpoch < 1) {
      throw new IllegalArgumentException(rows + " training rows cannot fill " + partitions
          + " partitions");
    }
    int steps = ShardWorker.stepsPerEpoch(rowsPerEpoch, cfg.batchSize());
    long total = (long) steps * cfg.epochs();
    p = params;
    s = state;
    update = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), n, decayRanges), decayRanges,
        n);
    // The driver optimizer's own arrays: its state with gradient sync, and the averaged
    // worker state with parameter averaging (the driver optimizer does not step then).
    optAvg = update.optimizer().state().toArray(new float[0][]);
    optPerWorker = null;
    if (opts.sync() == Sync.PARAMS && !opts.averageOptimizerState()) {
      optPerWorker = new float[partitions][optAvg.length][n];
    }
    history = new ArrayList<>();
    int startEpoch = 1;
    int startStep = 0;
    step = 0;
    computeNs = commNs = updateNs = evalNs = checkpointNs = 0;
    syncs = 0;
    if (resume != null) {
      restore(resume, steps);
      startEpoch = resume.epoch();
      startStep = resume.stepInEpoch();
    }
    lastCheckpointStep = step;
    List<Double> monitorAcc = new ArrayList<>();
    List<Double> secondsAt = new ArrayList<>();
    double trainingSeconds = 0;
    if (resume != null) {
      // The restored epochs keep their place in the time line (time-to-accuracy milestones).
      for (EpochMetrics m : history) {
        trainingSeconds += m.seconds();
        secondsAt.add(trainingSeconds);
      }
      log.accept("resuming at epoch " + startEpoch + ", step " + step + " ("
          + history.size() + " finished epochs restored)");
    }
    int predsPerRow = Loss.parse(spec.loss()).predictionsPerRow(spec.outputs());
    EarlyStopping stopping = new EarlyStopping(cfg.patience(), cfg.restoreBest());
    boolean stoppedEarly = false;
    StepServer server = opts.exchange() == Exchange.DIRECT ? openServer() : null;
    try {
      for (int epoch = startEpoch; epoch <= cfg.epochs(); epoch++) {
        long t0 = System.nanoTime();
        epochStartNs = t0;
        lastProgress = t0;
        epochLoss = 0;
        epochCorrect = 0;
        epochRows = 0;
        epochNorm = 0;
        epochSyncs = 0;
        int first = epoch == startEpoch ? startStep : 0;
        int end = steps;
        if (opts.maxSteps() > 0) {
          long left = opts.maxSteps() - step;
          if (left <= 0) {
            break;
          }
          // Whole syncs only: parameter averaging stops at a round boundary.
          int k = opts.sync() == Sync.PARAMS ? opts.averageEvery() : 1;
          long syncsLeft = (left + k - 1) / k;
          end = (int) Math.min(steps, first + syncsLeft * k);
        }
        Plan plan = new Plan(epoch, first, end, steps, rowsPerEpoch,
            opts.sync() == Sync.PARAMS ? opts.averageEvery() : 1, opts.sync() == Sync.PARAMS,
            total, server == null ? "" : server.host(), server == null ? 0 : server.port(),
            server == null ? 0 : server.token(), opts.syncTimeoutSeconds() * 1000, 0);
        if (server != null) {
          runEpochDirect(train, plan, server);
        } else {
          runEpochSpark(train, plan);
        }
        if (end < steps) {
          // Stopped by the step budget inside the epoch: checkpoint the cursor and return.
          if (checkpoints != null) {
            saveCheckpoint(epoch, end);
          }
          break;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long te = System.nanoTime();
        Evaluation val = validation == null ? new Evaluation(Double.NaN, Double.NaN, 0)
            : Evaluator.evaluate(sc, validation, spec, p, s);
        evalNs += System.nanoTime() - te;
        trainingSeconds += secs;
        EpochMetrics m = new EpochMetrics(epoch, epochLoss / Math.max(1, epochRows),
            predsPerRow == 0 ? Double.NaN : (double) epochCorrect / (epochRows * predsPerRow),
            val.loss(), val.accuracy(), cfg.schedule().lr(cfg.lr(), Math.max(0, step - 1), total),
            secs, epochRows / secs,
            epochSyncs == 0 || opts.sync() == Sync.PARAMS ? Double.NaN : epochNorm / epochSyncs);
        history.add(m);
        log.accept(m.line());
        epochHook.accept(p, s);
        secondsAt.add(trainingSeconds);
        if (monitor != null) {
          long tm = System.nanoTime();
          monitorAcc.add(Evaluator.evaluate(sc, monitor, spec, p, s).accuracy());
          evalNs += System.nanoTime() - tm;
        }
        boolean stop = stopping.update(epoch, val, p, s);
        if (checkpoints != null) {
          saveCheckpoint(epoch + 1, 0);
        }
        if (stop) {
          stoppedEarly = true;
          break;
        }
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
    stopping.restore(p, s);
    Timing timing = new Timing(computeNs / 1e9, commNs / 1e9, updateNs / 1e9, evalNs / 1e9,
        checkpointNs / 1e9, syncs);
    return new Result(p, s, history, stopping.bestEpoch(history.size()), stoppedEarly, step,
        timing, monitorAcc, secondsAt);
  }

  private StepServer openServer() throws IOException {
    String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
    String bind = sc.getConf().get("spark.driver.bindAddress", host);
    return new StepServer(host, bind, opts.syncTimeoutSeconds() * 1000);
  }

  // ---------------------------------------------------------------- direct exchange

  private void runEpochDirect(JavaRDD<Block> train, Plan first, StepServer server)
      throws IOException, InterruptedException {
    Snapshot snap = new Snapshot();
    ClassTag<Long> tag = ClassTag$.MODULE$.apply(Long.class);
    // Spark never retries a failed barrier result stage ("Could not recover from a failed
    // barrier ResultStage"), so the driver does: when a worker dies, the epoch restarts from
    // its first state as a new job (its lost cached shards are rebuilt from their broadcasts),
    // computing exactly what the first try would have. As many tries as Spark gives a task.
    int tries = Math.max(1, sc.getConf().getInt("spark.task.maxFailures", 4));
    if (sc.isLocal()) {
      tries = 1;
    }
    for (int attempt = 0; ; attempt++) {
      server.newEpoch();
      Plan plan = first.withAttempt(attempt);
      RDD<Long> tasks = train.rdd().barrier().mapPartitions(
          new DirectTask(spec, cfg, plan, device), false, tag);
      sc.setJobDescription(String.format(Locale.ROOT,
          "epoch %d · steps %d–%d (%s sync, direct)%s", plan.epoch(), plan.firstStep() + 1,
          plan.stepsPerEpoch(), opts.sync().name().toLowerCase(Locale.ROOT),
          attempt == 0 ? "" : " · retry " + attempt));
      JavaFutureAction<List<Long>> job = new JavaRDD<>(tasks, tag).collectAsync();
      try {
        server.acceptAll(plan.epoch(), attempt, partitions, job);
        sendAll(server);
        for (int j = plan.firstStep(); j < plan.endStep(); ) {
          int count = plan.stepsInSync(j);
          directSync(server, plan, j, count);
          j += count;
        }
        job.get();
        return;
      } catch (IOException | ExecutionException e) {
        job.cancel(true);
        server.closeAll();
        if (attempt + 1 >= tries) {
          throw new SparkJobException("epoch " + plan.epoch() + " failed"
              + (tries > 1 ? " " + tries + " times" : "") + ": " + rootMessage(e), e);
        }
        log.accept("epoch " + plan.epoch() + ": lost a worker (" + rootMessage(e)
            + "); restarting the epoch from its start (retry " + (attempt + 1) + " of "
            + (tries - 1) + ")");
        snap.restore();
      } catch (RuntimeException | InterruptedException e) {
        job.cancel(true);
        throw e;
      } finally {
        server.closeAll();
        sc.setJobDescription(null);
      }
    }
  }

  private final float[][] sumBuffers = new float[2][];

  private void directSync(StepServer server, Plan plan, int j, int count) throws IOException {
    long t0 = System.nanoTime();
    float[] a = sumBuffer(0, n);
    float[] b = sumBuffer(1, stateSize);
    Arrays.fill(a, 0f);
    Arrays.fill(b, 0f);
    double lossSum = 0;
    long correct = 0;
    long rows = 0;
    long maxCompute = 0;
    boolean avg = plan.averageParams();
    if (avg && opts.averageOptimizerState()) {
      for (float[] o : optAvg) {
        Arrays.fill(o, 0f);
      }
    }
    for (int q = 0; q < partitions; q++) {
      Wire w = server.wire(q);
      double ls = w.in.readDouble();
      long c = w.in.readLong();
      long r = w.in.readLong();
      long ns = w.in.readLong();
      lossSum += ls;
      correct += c;
      rows += r;
      maxCompute = Math.max(maxCompute, ns);
      // Parameters are averaged weighted by rows; gradients are already sums.
      w.readAdd(a, 0, n, avg ? (float) r : 1f);
      w.readAdd(b, 0, stateSize, (float) r);
      if (avg) {
        for (int o = 0; o < optAvg.length; o++) {
          if (opts.averageOptimizerState()) {
            w.readAdd(optAvg[o], 0, n, (float) r);
          } else {
            w.readFloats(optPerWorker[q][o], 0, n);
          }
        }
      }
    }
    long t1 = System.nanoTime();
    finishSync(a, b, lossSum, correct, rows, plan, j, count);
    long t2 = System.nanoTime();
    sendAll(server);
    long t3 = System.nanoTime();
    computeNs += maxCompute;
    commNs += Math.max(0, t1 - t0 - maxCompute) + (t3 - t2);
    updateNs += t2 - t1;
    syncs++;
    afterSync(plan, j + count);
  }

  private float[] sumBuffer(int i, int size) {
    if (sumBuffers[i] == null || sumBuffers[i].length != size) {
      sumBuffers[i] = new float[size];
    }
    return sumBuffers[i];
  }

  private void sendAll(StepServer server) throws IOException {
    boolean avg = opts.sync() == Sync.PARAMS;
    for (int q = 0; q < partitions; q++) {
      Wire w = server.wire(q);
      w.writeFloats(p, 0, n);
      w.writeFloats(s, 0, stateSize);
      if (avg) {
        float[][] o = opts.averageOptimizerState() ? optAvg : optPerWorker[q];
        for (float[] arr : o) {
          w.writeFloats(arr, 0, n);
        }
      }
      w.out.flush();
    }
  }

  /**
   * The driver's part of a sync. Gradient sync: a = gradient sum, b = state × rows. Parameter
   * averaging: a = parameters × rows, b = state × rows, optimizer state × rows in optAvg.
   */
  private void finishSync(float[] a, float[] b, double lossSum, long correct, long rows,
      Plan plan, int j, int count) {
    float inv = 1f / rows;
    if (stateSize > 0) {
      for (int i = 0; i < stateSize; i++) {
        s[i] = b[i] * inv;
      }
    }
    if (plan.averageParams()) {
      if (!Double.isFinite(lossSum)) {
        throw new DivergenceException("training diverged at epoch " + plan.epoch()
            + " in the local steps " + plan.globalStep(j) + "–" + plan.globalStep(j + count - 1)
            + " (lower the learning rate or enable --clip-norm)");
      }
      for (int i = 0; i < n; i++) {
        p[i] = a[i] * inv;
      }
      if (opts.averageOptimizerState()) {
        for (float[] o : optAvg) {
          for (int i = 0; i < n; i++) {
            o[i] *= inv;
          }
        }
      }
      step += count;
    } else {
      for (int i = 0; i < n; i++) {
        a[i] *= inv;
      }
      step++;
      epochNorm += update.apply(p, a, lossSum * inv, step, plan.totalSteps(), plan.epoch());
    }
    epochLoss += lossSum;
    epochCorrect += correct;
    epochRows += rows;
    epochSyncs++;
  }

  private void afterSync(Plan plan, int nextStep) throws IOException {
    if (checkpoints != null && opts.checkpointEvery() > 0 && nextStep < plan.endStep()
        && step - lastCheckpointStep >= opts.checkpointEvery()) {
      saveCheckpoint(plan.epoch(), nextStep);
    }
    long now = System.nanoTime();
    if (now - lastProgress > 2_000_000_000L) {
      lastProgress = now;
      double secs = (now - epochStartNs) / 1e9;
      double rate = epochRows / secs;
      double eta = (plan.stepsPerEpoch() - nextStep) * (double) plan.rowsPerEpoch()
          / plan.stepsPerEpoch() * partitions / Math.max(rate, 1e-9);
      log.accept(String.format(Locale.ROOT,
          "epoch %d · step %d/%d · loss %.4f · %.0f samples/s · epoch ETA %.0f s",
          plan.epoch(), nextStep, plan.stepsPerEpoch(), epochLoss / Math.max(1, epochRows),
          rate, eta));
    }
  }

  // ---------------------------------------------------------------- Spark job per step

  private void runEpochSpark(JavaRDD<Block> train, Plan plan) throws IOException {
    MlpSpec sp = spec;
    TrainConfig c = cfg;
    String dev = device;
    int sn = stateSize;
    float[] a = sumBuffer(0, n);
    for (int j = plan.firstStep(); j < plan.endStep(); j++) {
      long t0 = System.nanoTime();
      sc.setJobDescription(String.format(Locale.ROOT, "epoch %d · step %d", plan.epoch(),
          j + 1));
      Broadcast<float[][]> bc = sc.broadcast(new float[][] {p, s});
      int jj = j;
      StepSums sums;
      try {
        sums = train.mapPartitionsWithIndex((idx, it) -> {
          Block blk = it.next();
          ShardWorker w = WorkerCache.get(sp, c, idx, dev);
          w.beginEpoch(blk, plan.epoch(), plan.rowsPerEpoch());
          float[][] ps = bc.value();
          float[] st = ps[1].clone();
          long ts = System.nanoTime();
          w.gradientSum(ps[0], st, jj, plan.globalStep(jj));
          long ns = System.nanoTime() - ts;
          for (int i = 0; i < sn; i++) {
            st[i] *= w.rows;
          }
          return List.of(new StepSums(w.gradient().clone(), st, w.lossSum, w.correct, w.rows,
              ns)).iterator();
        }, true).treeReduce(StepSums::merge, 2);
      } finally {
        bc.destroy();
      }
      long t1 = System.nanoTime();
      System.arraycopy(sums.grad, 0, a, 0, n);
      finishSync(a, sums.state, sums.lossSum, sums.correct, sums.rows, plan, j, 1);
      long t2 = System.nanoTime();
      computeNs += sums.computeNanos;
      commNs += Math.max(0, t1 - t0 - sums.computeNanos);
      updateNs += t2 - t1;
      syncs++;
      afterSync(plan, j + 1);
    }
    sc.setJobDescription(null);
  }

  // ---------------------------------------------------------------- checkpoints

  private void saveCheckpoint(int epoch, int stepInEpoch) throws IOException {
    long t0 = System.nanoTime();
    List<float[]> opt = new ArrayList<>();
    if (optPerWorker != null) {
      for (float[][] w : optPerWorker) {
        opt.addAll(Arrays.asList(w));
      }
    } else {
      opt.addAll(Arrays.asList(optAvg));
    }
    Map<String, String> meta = new LinkedHashMap<>(checkpointMeta);
    meta.put("history", historyCsv(history));
    meta.put("partitions", Integer.toString(partitions));
    lastCheckpointStep = step;
    String file = checkpoints.save(new Checkpoint(epoch, stepInEpoch, step, p, s, opt, meta));
    checkpointNs += System.nanoTime() - t0;
    log.accept("checkpoint: " + org.sparkprop.driver.io.Fs.redact(file) + " (epoch " + epoch
        + ", step " + step + ")");
  }

  private void restore(Checkpoint c, int stepsPerEpoch) {
    if (c.params().length != n || c.state().length != stateSize) {
      throw new IllegalArgumentException("the checkpoint's parameters (" + c.params().length
          + ") do not match architecture " + spec.arch() + " (" + n + ")");
    }
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
    System.arraycopy(c.params(), 0, p, 0, n);
    System.arraycopy(c.state(), 0, s, 0, stateSize);
    List<float[]> opt = c.optimizerState();
    int perSet = optAvg.length;
    if (optPerWorker != null) {
      if (opt.size() != perSet * partitions) {
        throw new IllegalArgumentException("the checkpoint's optimizer state does not match");
      }
      for (int q = 0; q < partitions; q++) {
        for (int o = 0; o < perSet; o++) {
          System.arraycopy(opt.get(q * perSet + o), 0, optPerWorker[q][o], 0, n);
        }
      }
    } else {
      if (opt.size() != perSet) {
        throw new IllegalArgumentException("the checkpoint's optimizer state (" + opt.size()
            + " arrays) does not match optimizer " + cfg.optimizer().name());
      }
      for (int o = 0; o < perSet; o++) {
        System.arraycopy(opt.get(o), 0, optAvg[o], 0, n);
      }
    }
    step = c.step();
    history.addAll(parseHistory(c.metadata().getOrDefault("history", "")));
    log.accept("resumed from the checkpoint at epoch " + c.epoch() + ", step " + c.step());
  }

  static String historyCsv(List<EpochMetrics> h) {
    StringBuilder b = new StringBuilder();
    for (EpochMetrics m : h) {
      b.append(m.epoch()).append(',').append(m.trainLoss()).append(',')
          .append(m.trainAccuracy()).append(',').append(m.validationLoss()).append(',')
          .append(m.validationAccuracy()).append(',').append(m.lr()).append(',')
          .append(m.seconds()).append(',').append(m.samplesPerSecond()).append(',')
          .append(m.gradNorm()).append('\n');
    }
    return b.toString();
  }

  static List<EpochMetrics> parseHistory(String csv) {
    List<EpochMetrics> out = new ArrayList<>();
    for (String line : csv.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      out.add(new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
          Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
          Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
          Double.parseDouble(f[8])));
    }
    return out;
  }

  /** The driver's copy of the mutable run state at an epoch start, for a retried stage. */
  private final class Snapshot {
    private final float[] sp = p.clone();
    private final float[] ss = s.clone();
    private final long sStep = step;
    private final float[][] sOpt = deepCopy(optAvg);
    private final float[][][] sPer = optPerWorker == null ? null : deep3(optPerWorker);
    private final double l = epochLoss;
    private final long c = epochCorrect;
    private final long r = epochRows;
    private final double nrm = epochNorm;
    private final long sy = epochSyncs;

    void restore() {
      System.arraycopy(sp, 0, p, 0, n);
      System.arraycopy(ss, 0, s, 0, ss.length);
      step = sStep;
      for (int i = 0; i < sOpt.length; i++) {
        System.arraycopy(sOpt[i], 0, optAvg[i], 0, n);
      }
      if (sPer != null) {
        for (int q = 0; q < sPer.length; q++) {
          for (int i = 0; i < sPer[q].length; i++) {
            System.arraycopy(sPer[q][i], 0, optPerWorker[q][i], 0, n);
          }
        }
      }
      epochLoss = l;
      epochCorrect = c;
      epochRows = r;
      epochNorm = nrm;
      epochSyncs = sy;
    }
  }

  private static float[][] deepCopy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  private static float[][][] deep3(float[][][] a) {
    float[][][] c = new float[a.length][][];
    for (int i = 0; i < a.length; i++) {
      c[i] = deepCopy(a[i]);
    }
    return c;
  }

  /** The innermost message of a Spark failure, for a one-line error. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        msg = t.getMessage();
      }
    }
    String m = msg == null ? e.toString() : msg;
    // Spark's stage-failure text repeats the executor's exception; keep its first line.
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }

  /** A Spark job of the training failed; the message is the root cause. */
  public static final class SparkJobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SparkJobException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
