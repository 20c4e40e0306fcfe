package org.sparkprop.trainer.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;

/**
 * End to end on the official Fashion-MNIST split: parse the IDX files, train on 54,000 rows
 * (6,000 held out for validation), evaluate once on the 10,000 test rows: ≥ 90.0 %.
 * Measured here: 90.10 % after 20 epochs, ~100 s on 2 busy cores. The data comes from
 * scripts/setup.sh (which .ci/run calls); without it the test is skipped with the reason.
 */
@Tag("slow")
class FashionMnistTest {
  @Test
  void reachesNinetyPercentOnTheOfficialTestSet() throws Exception {
    Path dir = FashionMnist.defaultDir();
    assumeTrue(FashionMnist.available(dir), "Fashion-MNIST not found in " + dir
        + ": run scripts/setup.sh");
    Dataset[] raw = FashionMnist.load(dir);
    Normalizer norm = Normalizer.fit(Scaling.SCALE255, raw[0].x(), raw[0].rows(),
        raw[0].features());
    Dataset[] split = norm.apply(raw[0]).split(0.1, 1);
    Dataset test = norm.apply(raw[1]);
    MlpSpec spec = MlpSpec.of("784-512-256-10", "relu", "softmax_ce").withDropout(0.3)
        .withBatchNorm(true);
    TrainConfig cfg = TrainConfig.defaults(42).withEpochs(20).withBatch(128).withThreads(2)
        .withOptimizer(OptimizerConfig.defaults("adamw").withWeightDecay(0.01f), 1e-3f)
        .withSchedule(new LrSchedule("cosine", 0, 1, 1, 0));
    try (Trainer t = new Trainer(spec, cfg)) {
      Weights ps = t.initialise();
      long t0 = System.nanoTime();
      t.fit(split[0], split[1], ps.params(), ps.state(), null);
      double acc = t.evaluate(test, ps.params(), ps.state()).accuracy();
      System.out.printf("Fashion-MNIST test accuracy %.4f after %.1f s of training%n", acc,
          (System.nanoTime() - t0) / 1e9);
      assertTrue(acc >= 0.90, "test accuracy " + acc);
    }
  }
}
