package org.sparkprop.driver.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Shards;
import org.sparkprop.driver.train.SparkTrainer;
import org.sparkprop.driver.train.Sync;
import org.sparkprop.driver.train.TrainOptions;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * A worker lost in the middle of an epoch, in local mode (local[2,2]: Spark tries a task
 * twice): the direct exchange restarts the epoch from its saved start (parameters, batch-norm
 * statistics, step, optimizer state) and the run ends exactly where an undisturbed run ends.
 */
class EpochRetryTest {
  private static final MlpSpec SPEC = MlpSpec.of("6-16-8-3", "relu", "softmax_ce")
      .withBatchNorm(true).withDropout(0.2);
  private static final int ROWS = 240;
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = TestSpark.start("local[2,2]");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  private static Dataset data() {
    SplittableRandom r = new SplittableRandom(11);
    float[] x = new float[ROWS * 6];
    float[] y = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      double s = 0;
      for (int f = 0; f < 6; f++) {
        x[i * 6 + f] = (float) r.nextGaussian();
        s += x[i * 6 + f] * (f - 2.5);
      }
      y[i] = s > 2 ? 2 : s > -2 ? 1 : 0;
    }
    return new Dataset(x, y, ROWS, 6, 1);
  }

  @ParameterizedTest(name = "{3} exchange, {0} sync, k = {1}, optimizer state averaged: {2}")
  @CsvSource({"GRADIENT,1,true,DIRECT", "PARAMS,3,false,DIRECT", "GRADIENT,1,true,RING",
      "PARAMS,3,false,RING", "PARAMS,3,true,RING"})
  void aWorkerLostMidEpochIsRetriedWithTheSameResult(Sync sync, int k, boolean averageState,
      Exchange exchange) throws Exception {
    TrainConfig cfg = TrainConfig.defaults(5).withEpochs(3).withBatch(8)
        .withOptimizer(OptimizerConfig.defaults("adam"), 0.01f)
        .withSchedule(LrSchedule.constant());
    TrainOptions opts = new TrainOptions(sync, k, averageState, exchange, 0, 60, 0);
    JavaRDD<Block> train = Shards.forTraining(sc, data(), 2, cfg.seed(), "train");
    Weights init = new Mlp(SPEC, 1).initialise(cfg.seed());
    Weights straight = new Weights(init.params().clone(), init.state().clone());
    new SparkTrainer(sc, SPEC, cfg, opts).fit(train, ROWS, straight);

    Weights retried = new Weights(init.params().clone(), init.state().clone());
    List<String> log = new ArrayList<>();
    sc.setLocalProperty(DirectTask.FAIL_AT, "2:9:1");  // epoch 2, step 9 (of 15), partition 1
    TrainResult r;
    try {
      r = new SparkTrainer(sc, SPEC, cfg, opts).logTo(log::add).fit(train, ROWS, retried);
    } finally {
      sc.setLocalProperty(DirectTask.FAIL_AT, null);
    }
    assertTrue(log.stream().anyMatch(l -> l.startsWith("epoch 2: lost a worker (")
        && l.contains("(partition 1: java.lang.IllegalStateException: injected failure at "
            + "epoch 2, step 9)")
        && l.endsWith("restarting the epoch from its start (retry 1 of 1)")), log.toString());
    assertEquals(3, r.history().size());
    assertEquals(45, r.steps());
    assertArrayEquals(straight.params(), retried.params(), "parameters");
    assertArrayEquals(straight.state(), retried.state(), "batch-norm statistics");
    train.unpersist();
  }

  /**
   * On two partitions the ring's sums are the driver's (a + b = b + a exactly) and each task's
   * optimizer step is the driver's, so the ring trains the same bits as the direct exchange:
   * gradient sync with batch norm, dropout and Adam, and parameter averaging. The reported loss
   * is summed in floats on the ring (in doubles on the driver), so it agrees to 1e-6.
   */
  @ParameterizedTest(name = "{0} sync")
  @CsvSource({"GRADIENT,1", "PARAMS,3"})
  void theRingTrainsTheSameBitsAsTheDirectExchangeOnTwoPartitions(Sync sync, int k)
      throws Exception {
    TrainConfig cfg = TrainConfig.defaults(5).withEpochs(2).withBatch(8)
        .withOptimizer(OptimizerConfig.defaults("adam"), 0.01f)
        .withSchedule(LrSchedule.constant());
    JavaRDD<Block> train = Shards.forTraining(sc, data(), 2, cfg.seed(), "train");
    Weights init = new Mlp(SPEC, 1).initialise(cfg.seed());
    Weights[] out = new Weights[2];
    TrainResult[] r = new TrainResult[2];
    Exchange[] kinds = {Exchange.DIRECT, Exchange.RING};
    for (int e = 0; e < 2; e++) {
      out[e] = new Weights(init.params().clone(), init.state().clone());
      r[e] = new SparkTrainer(sc, SPEC, cfg, new TrainOptions(sync, k, true, kinds[e], 0, 60,
          0)).fit(train, ROWS, out[e]);
    }
    assertArrayEquals(out[0].params(), out[1].params(), "parameters");
    assertArrayEquals(out[0].state(), out[1].state(), "batch-norm statistics");
    assertEquals(r[0].steps(), r[1].steps());
    for (int e = 0; e < 2; e++) {
      assertEquals(r[0].history().get(e).trainAccuracy(), r[1].history().get(e).trainAccuracy());
      double loss = r[0].history().get(e).trainLoss();
      assertEquals(loss, r[1].history().get(e).trainLoss(), 1e-6 * loss);
    }
    train.unpersist();
  }

  /**
   * A start state (parameters and Adam's two moments, 3.3 MB) larger than the sockets'
   * buffers: the driver writes it to each task in turn while the tasks form the ring.
   */
  @Test
  void aModelLargerThanTheSocketBuffersTrainsOnTheRing() throws Exception {
    MlpSpec wide = MlpSpec.of("6-1024-256-3", "relu", "softmax_ce");
    TrainConfig cfg = TrainConfig.defaults(5).withEpochs(1).withBatch(40)
        .withOptimizer(OptimizerConfig.defaults("adam"), 0.001f)
        .withSchedule(LrSchedule.constant());
    JavaRDD<Block> train = Shards.forTraining(sc, data(), 2, cfg.seed(), "train");
    Weights init = new Mlp(wide, 1).initialise(cfg.seed());
    Weights direct = new Weights(init.params().clone(), init.state().clone());
    Weights ring = new Weights(init.params().clone(), init.state().clone());
    new SparkTrainer(sc, wide, cfg, TrainOptions.defaults().with(Sync.GRADIENT, 1,
        Exchange.DIRECT)).fit(train, ROWS, direct);
    new SparkTrainer(sc, wide, cfg, TrainOptions.defaults().with(Sync.GRADIENT, 1,
        Exchange.RING)).fit(train, ROWS, ring);
    assertArrayEquals(direct.params(), ring.params());
    train.unpersist();
  }
}
