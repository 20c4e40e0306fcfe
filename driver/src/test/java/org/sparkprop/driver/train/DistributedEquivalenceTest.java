package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Shards;
import org.sparkprop.driver.exchange.Exchange;
import org.sparkprop.driver.store.CheckpointStore;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.rng.Rng;
import org.sparkprop.trainer.rng.Seeds;
import org.sparkprop.trainer.train.StepUpdate;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * The key invariant of gradient sync: distributed training on 1, 2 and 4 partitions ends with
 * the parameters that single-machine training reaches on the same global batches (the
 * concatenation of every partition's local batch, in the documented sample order). Also:
 * parameter averaging with plain SGD and k = 1 equals gradient averaging, and a resumed run
 * equals a straight one.
 */
class DistributedEquivalenceTest {
  private static JavaSparkContext sc;
  private static final MlpSpec SPEC = MlpSpec.of("6-8-5-3", "tanh", "softmax_ce");
  private static final int ROWS = 96;
  private static final int BATCH = 5;

  @BeforeAll
  static void start() {
    sc = TestSpark.start("local[4]");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  static Dataset data(long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[ROWS * 6];
    float[] y = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      double s = 0;
      for (int f = 0; f < 6; f++) {
        float v = r.nextFloat() * 2 - 1;
        x[i * 6 + f] = v;
        s += v * (f + 1);
      }
      y[i] = s > 1 ? 2 : s > -1 ? 1 : 0;
    }
    return new Dataset(x, y, ROWS, 6, 1);
  }

  static TrainConfig config(String optimizer, float lr, int epochs) {
    return TrainConfig.defaults(7).withEpochs(epochs).withBatch(BATCH)
        .withOptimizer(OptimizerConfig.defaults(optimizer), lr)
        .withSchedule(LrSchedule.constant());
  }

  /** Single-machine reference: the same global batches through one Mlp and one optimizer. */
  static float[] reference(List<Block> shards, TrainConfig cfg, float[] p0, float[] s0) {
    int parts = shards.size();
    int rowsPerEpoch = ROWS / parts;
    int steps = (rowsPerEpoch + BATCH - 1) / BATCH;
    Mlp mlp = new Mlp(SPEC, BATCH * parts);
    float[] p = p0.clone();
    float[] s = s0.clone();
    int n = p.length;
    int[] decay = mlp.paramLayout().decayRanges();
    StepUpdate up = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), n, decay), decay, n);
    float[] g = new float[n];
    float[] xb = new float[BATCH * parts * 6];
    float[] yb = new float[BATCH * parts];
    long step = 0;
    for (int e = 1; e <= cfg.epochs(); e++) {
      int[][] order = new int[parts][];
      for (int q = 0; q < parts; q++) {
        order[q] = new int[shards.get(q).rows()];
        for (int i = 0; i < order[q].length; i++) {
          order[q][i] = i;
        }
        new Rng(Seeds.derive(cfg.seed(), Seeds.Purpose.SHUFFLE, e, q)).shuffle(order[q],
            order[q].length);
      }
      for (int j = 0; j < steps; j++) {
        int m = 0;
        for (int q = 0; q < parts; q++) {
          Block b = shards.get(q);
          for (int i = j * BATCH; i < Math.min((j + 1) * BATCH, rowsPerEpoch); i++) {
            System.arraycopy(b.x(), order[q][i] * 6, xb, m * 6, 6);
            yb[m++] = b.y()[order[q][i]];
          }
        }
        Arrays.fill(g, 0f);
        double loss = mlp.lossAndGrad(p, s, xb, yb, m, g);
        for (int i = 0; i < n; i++) {
          g[i] /= m;
        }
        step++;
        up.apply(p, g, loss / m, step, (long) steps * cfg.epochs(), e);
      }
    }
    return p;
  }

  static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / (1e-3 + Math.abs(expected[i])));
    }
    assertTrue(worst < tol, what + ": max relative difference " + worst + " ≥ " + tol);
  }

  @ParameterizedTest(name = "{0} on {1} partitions, {2} exchange")
  @CsvSource({"sgd,1,DIRECT", "sgd,2,DIRECT", "sgd,4,DIRECT", "momentum,2,DIRECT",
      "momentum,4,DIRECT", "adam,1,DIRECT", "adam,2,DIRECT", "adam,4,DIRECT", "sgd,4,SPARK",
      "adam,2,SPARK", "sgd,1,RING", "sgd,4,RING", "momentum,4,RING", "adam,2,RING",
      "adam,4,RING"})
  void gradientSyncMatchesSingleMachine(String optimizer, int partitions, String exchange)
      throws Exception {
    TrainConfig cfg = config(optimizer, optimizer.equals("adam") ? 0.01f : 0.1f, 2);
    JavaRDD<Block> train = Shards.forTraining(sc, data(3), partitions, cfg.seed(), "train");
    Weights ps = new Mlp(SPEC, 1).initialise(cfg.seed());
    float[] expected = reference(train.collect(), cfg, ps.params(), ps.state());
    SparkTrainer t = new SparkTrainer(sc, SPEC, cfg, TrainOptions.defaults()
        .with(Sync.GRADIENT, 1, Exchange.valueOf(exchange)));
    float[] p = ps.params().clone();
    TrainResult r = t.fit(train, ROWS, new Weights(p, ps.state().clone()));
    assertEquals(2L * SparkTrainer.stepsPerEpoch(ROWS, partitions, BATCH), r.steps());
    assertClose(expected, p, 1e-4, optimizer + " × " + partitions);
    train.unpersist();
  }

  @Test
  void parameterAveragingWithSgdAndKOneEqualsGradientAveraging() throws Exception {
    TrainConfig cfg = config("sgd", 0.1f, 2);
    JavaRDD<Block> train = Shards.forTraining(sc, data(4), 4, cfg.seed(), "train");
    Weights ps = new Mlp(SPEC, 1).initialise(cfg.seed());
    float[] grad = ps.params().clone();
    new SparkTrainer(sc, SPEC, cfg, TrainOptions.defaults())
        .fit(train, ROWS, new Weights(grad, ps.state().clone()));
    float[] avg = ps.params().clone();
    new SparkTrainer(sc, SPEC, cfg, TrainOptions.defaults()
        .with(Sync.PARAMS, 1, Exchange.DIRECT))
        .fit(train, ROWS, new Weights(avg, ps.state().clone()));
    assertClose(grad, avg, 1e-4, "params k=1 vs gradient");
    // With k > 1 it is a different algorithm: the parameters must differ.
    float[] k4 = ps.params().clone();
    new SparkTrainer(sc, SPEC, cfg, TrainOptions.defaults()
        .with(Sync.PARAMS, 4, Exchange.DIRECT))
        .fit(train, ROWS, new Weights(k4, ps.state().clone()));
    double diff = 0;
    for (int i = 0; i < k4.length; i++) {
      diff = Math.max(diff, Math.abs(k4[i] - grad[i]));
    }
    assertTrue(diff > 1e-4, "k = 4 should differ from gradient sync, max diff " + diff);
    train.unpersist();
  }

  /**
   * Parameter averaging with Adam over 2 epochs, the optimizer state averaged or one per
   * worker: the ring (whose tasks start each epoch from the driver's scattered chunks and an
   * all-gather, and from their own optimizer state when they keep one) trains the same bits
   * as the direct exchange, which sends every task its whole start state.
   */
  @ParameterizedTest(name = "optimizer state averaged: {0}")
  @CsvSource({"true", "false"})
  void ringStartStateEqualsTheDirectOnes(boolean averageOptimizerState) throws Exception {
    TrainConfig cfg = config("adam", 0.01f, 2);
    JavaRDD<Block> train = Shards.forTraining(sc, data(6), 2, cfg.seed(), "train");
    Weights ps = new Mlp(SPEC, 1).initialise(cfg.seed());
    float[][] out = new float[2][];
    Exchange[] ways = {Exchange.DIRECT, Exchange.RING};
    for (int i = 0; i < 2; i++) {
      out[i] = ps.params().clone();
      new SparkTrainer(sc, SPEC, cfg, new TrainOptions(Sync.PARAMS, 2, averageOptimizerState,
          ways[i], 0, 600, 0)).fit(train, ROWS, new Weights(out[i], ps.state().clone()));
    }
    assertArrayEquals(out[0], out[1], "ring against direct");
    float[] other = ps.params().clone();
    new SparkTrainer(sc, SPEC, cfg, new TrainOptions(Sync.PARAMS, 2, !averageOptimizerState,
        Exchange.RING, 0, 600, 0)).fit(train, ROWS, new Weights(other, ps.state().clone()));
    assertFalse(Arrays.equals(out[1], other), "averaging the optimizer state changes the run");
    train.unpersist();
  }

  /**
   * The ring runs all epochs in one Spark job when nothing between epochs needs Spark, its
   * tasks evaluating their validation shards themselves, and trains and validates exactly as
   * one stage per epoch does (forced here by a monitor set, which evaluates by Spark jobs
   * between epochs); early stopping and restoring the best epoch stop it at the same epoch.
   * On four partitions the validation sums are the same bits only if both add the
   * partitions' sums in partition order.
   */
  @ParameterizedTest(name = "{0} sync, patience {2}, {3} partitions")
  @CsvSource({"GRADIENT,1,0,2", "PARAMS,3,0,2", "GRADIENT,1,1,2", "GRADIENT,1,0,4"})
  void ringRunsOnAcrossEpochsAndValidatesInItsStage(String sync, int k, int patience,
      int partitions) throws Exception {
    TrainConfig cfg = config("adam", patience > 0 ? 0.2f : 0.01f, 6)
        .withEarlyStopping(patience, true);
    JavaRDD<Block> train = Shards.forTraining(sc, data(6), partitions, cfg.seed(), "train");
    JavaRDD<Block> val = Shards.forTraining(sc, data(8), partitions, cfg.seed(),
        "validation");
    Weights ps = new Mlp(SPEC, 1).initialise(cfg.seed());
    TrainOptions opts = new TrainOptions(Sync.valueOf(sync), k, true, Exchange.RING, 0, 600, 0);
    TrainResult[] runs = new TrainResult[2];
    long[] jobs = new long[2];
    for (int i = 0; i < 2; i++) {
      String group = "run-on-" + sync + patience + partitions + i;
      sc.setJobGroup(group, group, false);
      SparkTrainer t = new SparkTrainer(sc, SPEC, cfg, opts).validateOn(val);
      if (i == 1) {
        t.monitor(val);
      }
      runs[i] = t.fit(train, ROWS, new Weights(ps.params().clone(), ps.state().clone()));
      sc.clearJobGroup();
      jobs[i] = settledJobCount(group);
    }
    assertEquals(1, jobs[0], "one Spark job for every epoch");
    assertTrue(jobs[1] >= 2 * runs[1].history().size(), "a job per epoch and evaluation");
    assertArrayEquals(runs[1].params(), runs[0].params(), "parameters");
    assertArrayEquals(runs[1].state(), runs[0].state(), "state");
    assertEquals(runs[1].history().size(), runs[0].history().size(), "epochs run");
    assertEquals(runs[1].bestEpoch(), runs[0].bestEpoch(), "best epoch");
    assertEquals(runs[1].stoppedEarly(), runs[0].stoppedEarly(), "stopped early");
    if (patience > 0) {
      assertTrue(runs[0].stoppedEarly(), "this learning rate stops early");
    }
    for (int e = 0; e < runs[0].history().size(); e++) {
      var a = runs[0].history().get(e);
      var b = runs[1].history().get(e);
      assertEquals(b.validationLoss(), a.validationLoss(), "validation loss, epoch " + (e + 1));
      assertEquals(b.validationAccuracy(), a.validationAccuracy(),
          "validation accuracy, epoch " + (e + 1));
      assertEquals(b.trainLoss(), a.trainLoss(), "training loss, epoch " + (e + 1));
    }
    train.unpersist();
    val.unpersist();
  }

  /** Jobs of group once Spark's status store has seen them all (it follows by events). */
  private static long settledJobCount(String group) throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 50; i++) {
      long n = sc.statusTracker().getJobIdsForGroup(group).length;
      if (n == last && n > 0) {
        return n;
      }
      last = n;
      Thread.sleep(100);
    }
    return last;
  }

  @ParameterizedTest(name = "{0} sync, {2} exchange")
  @CsvSource({"GRADIENT,1,DIRECT", "PARAMS,2,DIRECT", "GRADIENT,1,RING", "PARAMS,2,RING"})
  void resumeEqualsStraightRun(String sync, int k, String exchange, @TempDir Path dir)
      throws Exception {
    TrainConfig cfg = config("adam", 0.01f, 2);
    JavaRDD<Block> train = Shards.forTraining(sc, data(5), 2, cfg.seed(), "train");
    Weights ps = new Mlp(SPEC, 1).initialise(cfg.seed());
    TrainOptions o = TrainOptions.defaults()
        .with(Sync.valueOf(sync), k, Exchange.valueOf(exchange));
    float[] straight = ps.params().clone();
    new SparkTrainer(sc, SPEC, cfg, o)
        .fit(train, ROWS, new Weights(straight, ps.state().clone()));

    CheckpointStore store = new CheckpointStore(Fs.local(), dir.toUri().toString());
    float[] first = ps.params().clone();
    TrainResult part = new SparkTrainer(sc, SPEC, cfg, o.withMaxSteps(6))
        .checkpointTo(store, Map.of()).fit(train, ROWS, new Weights(first, ps.state().clone()));
    assertEquals(6, part.steps());
    var ckpt = store.loadLatest();
    assertEquals(6, ckpt.step());
    float[] resumed = new float[first.length];
    float[] rs = new float[ps.state().length];
    TrainResult rest = new SparkTrainer(sc, SPEC, cfg, o).checkpointTo(store, Map.of())
        .resumeFrom(ckpt).fit(train, ROWS, new Weights(resumed, rs));
    assertEquals(2L * SparkTrainer.stepsPerEpoch(ROWS, 2, BATCH), rest.steps());
    assertArrayEquals(straight, resumed, "resumed run must equal the straight run exactly");
    train.unpersist();
  }
}
