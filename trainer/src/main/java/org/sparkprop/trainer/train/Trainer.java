package org.sparkprop.trainer.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.Minibatch;
import org.sparkprop.trainer.loss.Loss;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.rng.Rng;
import org.sparkprop.trainer.rng.Seeds;

/**
 * Minibatch training on one machine: per-epoch shuffling from the seed, synchronous
 * data-parallel steps over T threads (each computes the gradient SUM of its share of the
 * minibatch; the sums are added and divided once by the batch size), coupled L2 on weights,
 * gradient-norm clipping, the optimizer, the schedule, per-epoch metrics and early stopping.
 *
 * <p>Deterministic for a given seed and thread count. Batch-norm statistics are per thread's
 * share ("ghost" batch norm) and the running statistics are averaged after every step. No
 * allocation per step: buffers are sized when the trainer is built.
 */
public final class Trainer implements AutoCloseable {
  private final MlpSpec spec;
  private final TrainConfig cfg;
  private final int threads;
  private final Mlp[] replicas;
  private final Loss loss;
  private final int n;
  private final float[][] grads;
  private final float[] meanGrad;
  private final float[][] xb;
  private final float[][] yb;
  private final float[][] states;
  private final double[] lossPart;
  private final long[] correctPart;
  private final TaskMetrics[] metricsPart;
  private final WorkerPool pool;
  private final int[] decayRanges;

  // The current step, read by the worker tasks.
  private Dataset data;
  private int[] order;
  private int batchStart;
  private int batchRows;
  private float[] params;
  private long step;
  private float gradScale;
  private final IntConsumer stepTask = this::workerStep;
  private final IntConsumer reduceTask = this::workerReduce;
  private final IntConsumer evalTask = this::workerEval;

  public Trainer(MlpSpec spec, TrainConfig cfg) {
    if (!spec.trainable()) {
      throw new IllegalArgumentException("the network has binary step units, which have no "
          + "gradient: evaluate it, or train one layer of them with the perceptron rule");
    }
    this.spec = spec;
    this.cfg = cfg;
    this.threads = cfg.threads();
    int share = (cfg.batchSize() + threads - 1) / threads;
    this.replicas = new Mlp[threads];
    for (int t = 0; t < threads; t++) {
      replicas[t] = new Mlp(spec, share);
    }
    this.loss = replicas[0].loss();
    this.n = replicas[0].paramCount();
    this.grads = new float[threads][n];
    this.meanGrad = threads == 1 ? grads[0] : new float[n];
    this.xb = new float[threads][share * spec.inputs()];
    int tw = loss.targetWidth(spec.outputs());
    this.yb = new float[threads][share * tw];
    this.states = new float[threads][];
    this.lossPart = new double[threads];
    this.correctPart = new long[threads];
    this.metricsPart = new TaskMetrics[threads];
    this.pool = new WorkerPool(threads);
    this.decayRanges = replicas[0].paramLayout().decayRanges();
  }

  /** A fresh model's parameters and state from the config's seed. */
  public Weights initialise() {
    return replicas[0].initialise(cfg.seed());
  }

  public Mlp engine() {
    return replicas[0];
  }

  /** The outcome: final (or best, with early stopping) parameters and state, and the history. */
  public record Result(float[] params, float[] state, List<EpochMetrics> history, int bestEpoch,
      boolean stoppedEarly, long steps) {}

  /**
   * Trains p and s in place on {@code train}, evaluating on {@code validation} (may be null)
   * after every epoch; {@code log} receives each epoch's metrics.
   */
  public Result fit(Dataset train, Dataset validation, float[] p, float[] s,
      Consumer<EpochMetrics> log) {
    checkData(train, "training");
    if (validation != null) {
      checkData(validation, "validation");
    }
    if (p.length != n || s.length != replicas[0].stateLayout().total()) {
      throw new IllegalArgumentException("parameter/state arrays do not match the model layout");
    }
    for (int t = 0; t < threads; t++) {
      states[t] = threads == 1 ? s : s.clone();
    }
    StepUpdate update = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), n, decayRanges),
        decayRanges, n);
    int rows = train.rows();
    int b = cfg.batchSize();
    long stepsPerEpoch = (rows + b - 1) / b;
    long total = stepsPerEpoch * cfg.epochs();
    int[] idx = new int[rows];
    for (int i = 0; i < rows; i++) {
      idx[i] = i;
    }
    Rng shuffler = new Rng(0);
    List<EpochMetrics> history = new ArrayList<>();
    EarlyStopping stopping = new EarlyStopping(cfg.patience(), cfg.restoreBest());
    LossWatch lossWatch = new LossWatch(spec.loss(), spec.outputs());
    boolean stoppedEarly = false;
    this.params = p;
    this.data = train;
    this.order = idx;
    step = 0;
    for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
      long t0 = System.nanoTime();
      // Shuffle from the original order so an epoch's permutation depends on (seed, epoch) only.
      for (int i = 0; i < rows; i++) {
        idx[i] = i;
      }
      shuffler.reseed(Seeds.derive(cfg.seed(), Seeds.Purpose.SHUFFLE, epoch, 0));
      shuffler.shuffle(idx, rows);
      double lossSum = 0;
      long correct = 0;
      double normSum = 0;
      float lr = 0;
      for (int start = 0; start < rows; start += b) {
        batchStart = start;
        batchRows = Math.min(b, rows - start);
        pool.run(stepTask);
        double stepLoss = 0;
        for (int t = 0; t < threads; t++) {
          stepLoss += lossPart[t];
          correct += correctPart[t];
        }
        gradScale = 1f / batchRows;
        step++;
        if (threads > 1) {
          pool.run(reduceTask);
          averageStates(s);
          normSum += update.apply(p, meanGrad, stepLoss / batchRows, step, total, epoch);
        } else {
          // The summed gradient becomes the mean in the norm's pass.
          normSum += update.applySum(p, meanGrad, gradScale, stepLoss / batchRows, step, total,
              epoch);
        }
        lr = update.lastLr();
        lossSum += stepLoss;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      Evaluation val = validation == null || validation.rows() == 0
          ? Evaluation.none() : evaluate(validation, p, s);
      EpochMetrics m = new EpochMetrics(epoch, lossSum / rows,
          loss.accuracy(correct, rows, spec.outputs()), val.loss(), val.accuracy(), lr, secs,
          rows / secs, normSum / stepsPerEpoch,
          EpochMetrics.taskMeasures(spec.task(), lossSum / rows, spec.outputs(), val));
      if (log != null) {
        log.accept(m);
      }
      lossWatch.check(epoch, m.trainLoss());
      history.add(m);
      if (stopping.update(epoch, val, p, s)) {
        stoppedEarly = true;
        break;
      }
    }
    stopping.restore(p, s);
    this.data = null;
    this.params = null;
    return new Result(p, s, history, stopping.bestEpoch(history.size()), stoppedEarly, step);
  }

  private void checkData(Dataset d, String what) {
    if (d.features() != spec.inputs()) {
      throw new IllegalArgumentException(what + " data has " + d.features()
          + " features but the network takes " + spec.inputs() + " inputs");
    }
    int tw = loss.targetWidth(spec.outputs());
    if (d.targetWidth() != tw) {
      throw new IllegalArgumentException(what + " data has " + d.targetWidth()
          + " targets per row, " + loss.name() + " with " + spec.outputs() + " outputs needs "
          + tw);
    }
    loss.validateTargets(d.y(), d.rows(), spec.outputs());
  }

  /** Worker t: gradient sum of its share of the current minibatch into grads[t]. */
  private void workerStep(int t) {
    int from = batchStart + (int) ((long) batchRows * t / threads);
    int to = batchStart + (int) ((long) batchRows * (t + 1) / threads);
    int m = to - from;
    float[] x = xb[t];
    float[] y = yb[t];
    Minibatch.gather(data.x(), data.y(), spec.inputs(), data.targetWidth(), order, from, m, x,
        y);
    float[] g = grads[t];
    Mlp mlp = replicas[t];
    mlp.setDropoutSeed(Seeds.derive(cfg.seed(), Seeds.Purpose.DROPOUT, step, t));
    if (m == 0) {
      Arrays.fill(g, 0f);
      lossPart[t] = 0;
    } else {
      // Overwrites g: no zeroing pass over the parameters first.
      lossPart[t] = mlp.lossAndGrad(params, states[t], x, y, m, g, false);
    }
    correctPart[t] = m == 0 ? 0 : mlp.loss().correct(mlp.output(), y, m, spec.outputs());
  }

  /** Worker t: meanGrad = Σ grads · 1/B over its range of the parameters. */
  private void workerReduce(int t) {
    int from = (int) ((long) n * t / threads);
    int to = (int) ((long) n * (t + 1) / threads);
    float sc = gradScale;
    for (int i = from; i < to; i++) {
      float sum = 0;
      for (int w = 0; w < threads; w++) {
        sum += grads[w][i];
      }
      meanGrad[i] = sum * sc;
    }
  }

  private void averageStates(float[] s) {
    if (s.length == 0) {
      return;
    }
    for (int i = 0; i < s.length; i++) {
      float sum = 0;
      for (int t = 0; t < threads; t++) {
        sum += states[t][i];
      }
      s[i] = sum / threads;
    }
    for (int t = 0; t < threads; t++) {
      if (states[t] != s) {
        System.arraycopy(s, 0, states[t], 0, s.length);
      }
    }
  }

  // Evaluation, split by rows across the workers.
  private Dataset evalData;
  private float[] evalParams;
  private float[] evalState;

  private void workerEval(int t) {
    Dataset d = evalData;
    int from = (int) ((long) d.rows() * t / threads);
    int to = (int) ((long) d.rows() * (t + 1) / threads);
    Mlp mlp = replicas[t];
    int chunk = mlp.maxBatch();
    int f = d.features();
    int tw = d.targetWidth();
    int k = spec.outputs();
    Loss own = mlp.loss();  // a thread's own: it may keep a one-hot buffer
    TaskMetrics tm = new TaskMetrics(spec.task(), k, 0.5f);
    float[] pred = spec.task() == Task.CLASSIFICATION ? null : new float[chunk * k];
    double ls = 0;
    long c = 0;
    for (int start = from; start < to; start += chunk) {
      int m = Math.min(chunk, to - start);
      System.arraycopy(d.x(), start * f, xb[t], 0, m * f);
      System.arraycopy(d.y(), start * tw, yb[t], 0, m * tw);
      float[] out = mlp.forward(evalParams, evalState, xb[t], m, false);
      ls += own.loss(out, yb[t], m, k);
      c += own.correct(out, yb[t], m, k);
      if (pred != null) {
        own.outputActivation().forward(out, pred, m, k);
        tm.add(pred, yb[t], m);
      }
    }
    metricsPart[t] = tm;
    lossPart[t] = ls;
    correctPart[t] = c;
  }

  /** Mean loss and accuracy of (p, s) on d, in evaluation mode. */
  public Evaluation evaluate(Dataset d, float[] p, float[] s) {
    checkData(d, "evaluation");
    evalData = d;
    evalParams = p;
    evalState = s;
    pool.run(evalTask);
    double ls = 0;
    long c = 0;
    TaskMetrics tm = new TaskMetrics(spec.task(), spec.outputs(), 0.5f);
    for (int t = 0; t < threads; t++) {
      ls += lossPart[t];
      c += correctPart[t];
      tm.merge(metricsPart[t]);
    }
    evalData = null;
    return new Evaluation(d.rows() == 0 ? Double.NaN : ls / d.rows(),
        loss.accuracy(c, d.rows(), spec.outputs()), d.rows(), tm.values());
  }

  @Override
  public void close() {
    pool.close();
  }
}
