package org.sparkprop.driver.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.KryoSetup;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Shards;
import org.sparkprop.driver.train.SparkTrainer;
import org.sparkprop.driver.train.Sync;
import org.sparkprop.driver.train.TrainOptions;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * The exchanges under Spark's own security settings: with spark.authenticate and
 * spark.network.crypto.enabled the ring's peers authenticate with a key derived from Spark's
 * secret and seal every frame, every task's connection to the driver is sealed too (after the
 * run-key handshake every connection makes), and the ring trains the same bits as the direct
 * exchange.
 */
class RingSecurityTest {
  @Test
  void theRingAuthenticatesAndEncryptsWhenSparkDoes() throws Exception {
    SparkConf conf = KryoSetup.configure(new SparkConf()).setMaster("local[2]")
        .setAppName("ring-security").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1").set("spark.ui.enabled", "false")
        .set("spark.authenticate", "true").set("spark.network.crypto.enabled", "true");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      assertEquals("authenticated, encrypted", RingTask.security(SparkEnv.get()).toString());
      MlpSpec spec = MlpSpec.of("5-12-3", "tanh", "softmax_ce").withBatchNorm(true);
      int rows = 160;
      SplittableRandom r = new SplittableRandom(2);
      float[] x = new float[rows * 5];
      float[] y = new float[rows];
      for (int i = 0; i < rows; i++) {
        for (int f = 0; f < 5; f++) {
          x[i * 5 + f] = (float) r.nextGaussian();
        }
        y[i] = x[i * 5] > 0 ? (x[i * 5 + 1] > 0 ? 2 : 1) : 0;
      }
      TrainConfig cfg = TrainConfig.defaults(3).withEpochs(2).withBatch(10)
          .withOptimizer(OptimizerConfig.defaults("adam"), 0.01f)
          .withSchedule(LrSchedule.constant());
      JavaRDD<Block> train = Shards.forTraining(sc, new Dataset(x, y, rows, 5, 1), 2,
          cfg.seed(), "train");
      Weights init = new Mlp(spec, 1).initialise(cfg.seed());
      Weights direct = new Weights(init.params().clone(), init.state().clone());
      Weights ring = new Weights(init.params().clone(), init.state().clone());
      new SparkTrainer(sc, spec, cfg, TrainOptions.defaults().with(Sync.GRADIENT, 1,
          Exchange.DIRECT)).fit(train, rows, direct);
      new SparkTrainer(sc, spec, cfg, TrainOptions.defaults()).fit(train, rows, ring);
      assertArrayEquals(direct.params(), ring.params());
      assertArrayEquals(direct.state(), ring.state());
    }
  }
}
