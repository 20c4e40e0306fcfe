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

  @ParameterizedTest(name = "{0} sync, k = {1}, optimizer state averaged: {2}")
  @CsvSource({"GRADIENT,1,true", "PARAMS,3,false"})
  void aWorkerLostMidEpochIsRetriedWithTheSameResult(Sync sync, int k, boolean averageState)
      throws Exception {
    TrainConfig cfg = TrainConfig.defaults(5).withEpochs(3).withBatch(8)
        .withOptimizer(OptimizerConfig.defaults("adam"), 0.01f)
        .withSchedule(LrSchedule.constant());
    TrainOptions opts = new TrainOptions(sync, k, averageState, Exchange.DIRECT, 0, 60, 0);
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
        && l.contains("(partition 1: IllegalStateException: injected failure at "
            + "epoch 2, step 9)")
        && l.endsWith("restarting the epoch from its start (retry 1 of 1)")), log.toString());
    assertEquals(3, r.history().size());
    assertEquals(45, r.steps());
    assertArrayEquals(straight.params(), retried.params(), "parameters");
    assertArrayEquals(straight.state(), retried.state(), "batch-norm statistics");
    train.unpersist();
  }
}
