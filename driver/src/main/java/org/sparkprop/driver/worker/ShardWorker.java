package org.sparkprop.driver.worker;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.sparkprop.driver.data.Block;
import org.sparkprop.trainer.loss.Loss;
import org.sparkprop.trainer.model.Engines;
import org.sparkprop.trainer.model.GradientEngine;
import org.sparkprop.trainer.model.GradientEngine.Progress;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.param.ParamLayout;
import org.sparkprop.trainer.rng.Rng;
import org.sparkprop.trainer.rng.Seeds;
import org.sparkprop.trainer.train.DivergenceException;
import org.sparkprop.trainer.train.StepUpdate;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * The executor side of training on one partition's {@link Block}: the epoch's local order
 * (a permutation of the shard from (seed, epoch, partition)), the b rows of local step j, and
 * the gradient SUM of the loss over them. With parameter averaging it also owns a local
 * optimizer. One per task; buffers are sized once, nothing is allocated per step.
 *
 * <p>B = rows per worker step (≤ batch), n = parameters, S = model state (batch-norm stats).
 */
public final class ShardWorker implements AutoCloseable {
  private final MlpSpec spec;
  private final TrainConfig cfg;
  private final GradientEngine mlp;
  private final Loss loss;
  private float[] grad;
  private final float[] xb;
  private final float[] yb;
  private final int partition;
  private Block block;
  private int[] order;
  private int rowsPerEpoch;
  private int epoch = -1;
  private StepUpdate local;

  private double lossSum;
  private long correct;
  private long rows;
  /** The caller's listener during {@link #gradientSum(float[], float[], int, long, Progress)}. */
  private Progress listener;
  private int stepRows;
  private final Progress relay = new Progress() {
    @Override
    public void forwardDone(double sum) {
      lossSum = sum;
      correct = loss.correct(mlp.output(), yb, stepRows, spec.outputs());
      rows = stepRows;
      listener.forwardDone(sum);
    }

    @Override
    public void gradientReady(int from) {
      listener.gradientReady(from);
    }
  };

  /** The worker of one partition; builds its engine where work.device() says. */
  public ShardWorker(WorkerSpec work, int partition) {
    this.spec = work.model();
    this.cfg = work.config();
    this.partition = partition;
    this.mlp = Engines.create(spec, cfg.batchSize(),
        Engines.choose(work.device(), spec, gpuOrdinal()));
    this.loss = spec.lossFunction();
    this.grad = new float[mlp.paramLayout().total()];
    this.xb = new float[cfg.batchSize() * spec.inputs()];
    this.yb = new float[cfg.batchSize() * loss.targetWidth(spec.outputs())];
  }

  /**
   * The GPU Spark gave this task ({@code spark.task.resource.gpu.amount}: the first address),
   * else device 0.
   */
  public static int gpuOrdinal() {
    TaskContext ctx = TaskContext.get();
    if (ctx != null) {
      ResourceInformation gpu = ctx.resources().get("gpu").getOrElse(() -> null);
      if (gpu != null && gpu.addresses().length > 0) {
        try {
          return Integer.parseInt(gpu.addresses()[0].trim());
        } catch (NumberFormatException e) {
          throw new IllegalStateException("GPU address '" + gpu.addresses()[0]
              + "' from Spark's resource discovery is not a device number", e);
        }
      }
    }
    return 0;
  }

  /** Releases the engine's device memory. */
  @Override
  public void close() {
    mlp.close();
  }

  public int paramCount() {
    return mlp.paramLayout().total();
  }

  /** The layout of the parameters and of the gradient. */
  public ParamLayout paramLayout() {
    return mlp.paramLayout();
  }

  /**
   * Where the gradient may be cut into buckets: the offsets the backward pass tells final tails
   * of the gradient from ({@link GradientEngine#gradientReadyPoints}).
   */
  public int[] gradientReadyPoints() {
    return mlp.gradientReadyPoints();
  }

  public int stateCount() {
    return mlp.stateLayout().total();
  }

  /**
   * The gradient sum of the last {@link #gradientSum} in [0, n), followed by any room
   * {@link #reserveAfterGradient} made.
   */
  public float[] gradient() {
    return grad;
  }

  /**
   * Makes {@link #gradient()} n + extra floats long, so that an exchange can put what it sends
   * with the gradient (state, counts) right after it and reduce the whole as one buffer; the
   * engine writes only [0, n). Call before the first step.
   */
  public float[] reserveAfterGradient(int extra) {
    if (grad.length != paramCount() + extra) {
      grad = new float[paramCount() + extra];
    }
    return grad;
  }

  /** The summed loss of the last step or round. */
  public double lossSum() {
    return lossSum;
  }

  /** Correct predictions of the last step or round. */
  public long correct() {
    return correct;
  }

  /** Rows of the last step or round. */
  public long rows() {
    return rows;
  }

  /** The local optimizer for parameter averaging (created on first use). */
  public Optimizer optimizer() {
    if (local == null) {
      int[] decay = mlp.paramLayout().decayRanges();
      int n = paramCount();
      local = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), n, decay), decay, n);
    }
    return local.optimizer();
  }

  /** This worker's update rule (L2, clipping, schedule, optimizer), for a sharded step. */
  public StepUpdate update() {
    optimizer();
    return local;
  }

  /**
   * One step of this worker's own optimizer on gradSum (n, the gradient of the summed loss;
   * made the mean, × scale, in place, then changed by L2 and clipping) as global step
   * {@code step} of {@code total}: the update the driver takes with gradient sync on the
   * driver. Returns the gradient norm.
   *
   * @throws DivergenceException when the loss or the gradient is not finite
   */
  public double stepSum(float[] p, float[] gradSum, float scale, double meanLoss, long step,
      long total) {
    optimizer();
    return local.applySum(p, gradSum, scale, meanLoss, step, total, epoch);
  }

  /** Prepares epoch e on this shard; uses rowsPerEpoch rows of it (≤ block rows). */
  public void beginEpoch(Block b, int e, int rowsPerEpoch) {
    if (b.features() != spec.inputs()) {
      throw new IllegalArgumentException("partition " + partition + " has " + b.features()
          + " features per row, the network takes " + spec.inputs());
    }
    if (rowsPerEpoch > b.rows()) {
      throw new IllegalStateException("partition " + partition + " holds " + b.rows()
          + " rows, fewer than the " + rowsPerEpoch + " an epoch needs");
    }
    if (block == b && epoch == e && this.rowsPerEpoch == rowsPerEpoch) {
      return;
    }
    block = b;
    epoch = e;
    this.rowsPerEpoch = rowsPerEpoch;
    if (order == null || order.length != b.rows()) {
      order = new int[b.rows()];
    }
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    new Rng(Seeds.derive(cfg.seed(), Seeds.Purpose.SHUFFLE, e, partition)).shuffle(order,
        order.length);
  }

  /** Local steps per epoch: ⌈rowsPerEpoch / batch⌉ (the last one may be short). */
  public static int stepsPerEpoch(int rowsPerEpoch, int batch) {
    return (rowsPerEpoch + batch - 1) / batch;
  }

  /**
   * Overwrites {@link #gradient()} with the gradient of the SUMMED loss over local step j's rows
   * (0-based within the epoch), training mode; s (S) gets this shard's running statistics.
   * Sets lossSum, correct, rows.
   */
  public void gradientSum(float[] p, float[] s, int j, long globalStep) {
    gradientSum(p, s, j, globalStep, null);
  }

  /**
   * {@link #gradientSum(float[], float[], int, long)} telling progress (when not null) as the
   * pass goes: after the forward pass (lossSum, correct and rows already set) and as the
   * gradient becomes final from its end towards 0.
   */
  public void gradientSum(float[] p, float[] s, int j, long globalStep, Progress progress) {
    int from = j * cfg.batchSize();
    int m = Math.min(cfg.batchSize(), rowsPerEpoch - from);
    block.gather(order, from, m, xb, yb);
    mlp.setDropoutSeed(Seeds.derive(cfg.seed(), Seeds.Purpose.DROPOUT, globalStep, partition));
    if (progress == null) {
      lossSum = mlp.lossAndGrad(p, s, xb, yb, m, grad, false); // overwrites grad
      correct = loss.correct(mlp.output(), yb, m, spec.outputs());
      rows = m;
    } else {
      listener = progress;
      stepRows = m;
      try {
        mlp.lossAndGrad(p, s, xb, yb, m, grad, false, relay);
      } finally {
        listener = null;
      }
    }
  }

  /**
   * Parameter averaging: local steps j0 … j0+count-1 of this epoch with the local optimizer,
   * updating p and s in place (global step numbers start at firstGlobalStep, 1-based, for the
   * schedule and the optimizer's t). Sets lossSum, correct and rows over the round; a
   * non-finite loss or gradient sets lossSum to NaN and stops the round.
   */
  public void localSteps(float[] p, float[] s, int j0, int count, long firstGlobalStep,
      long total) {
    optimizer();
    double ls = 0;
    long c = 0;
    long r = 0;
    for (int i = 0; i < count; i++) {
      gradientSum(p, s, j0 + i, firstGlobalStep + i);
      ls += lossSum;
      c += correct;
      r += rows;
      try {
        local.applySum(p, grad, 1f / rows, lossSum / rows, firstGlobalStep + i, total, epoch);
      } catch (DivergenceException e) {
        ls = Double.NaN;
        break;
      }
    }
    lossSum = ls;
    correct = c;
    rows = r;
  }
}
