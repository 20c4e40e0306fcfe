package org.sparkprop.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;

class TrainerTest {
  private static Dataset xor() {
    return new Dataset(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, new float[] {0, 1, 1, 0}, 4, 2, 1);
  }

  @Test
  void learnsXorWithA2h1SigmoidNetwork() {
    MlpSpec spec = MlpSpec.of("2-4-1", "sigmoid", "sigmoid_bce");
    TrainConfig cfg = TrainConfig.defaults(3).withEpochs(600).withBatch(4)
        .withOptimizer(OptimizerConfig.defaults("adam"), 0.05f);
    try (Trainer t = new Trainer(spec, cfg)) {
      Weights ps = t.initialise();
      Trainer.Result r = t.fit(xor(), null, ps.params(), ps.state(), null);
      Evaluation e = t.evaluate(xor(), ps.params(), ps.state());
      assertEquals(1.0, e.accuracy(), "XOR accuracy");
      assertTrue(e.loss() < 0.05, "XOR loss " + e.loss());
      assertEquals(600, r.steps());
    }
  }

  @Test
  void fitsSineWithAReluNetwork() {
    int n = 256;
    float[] x = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (Math.PI * i / (n - 1));
      y[i] = (float) Math.sin(x[i]);
    }
    Dataset d = new Dataset(x, y, n, 1, 1);
    MlpSpec spec = MlpSpec.of("1-32-32-1", "relu", "mse");
    TrainConfig cfg = TrainConfig.defaults(5).withEpochs(300).withBatch(32)
        .withOptimizer(OptimizerConfig.defaults("adam"), 0.01f)
        .withSchedule(new LrSchedule("cosine", 0, 1, 1, 0.01));
    try (Trainer t = new Trainer(spec, cfg)) {
      Weights ps = t.initialise();
      t.fit(d, null, ps.params(), ps.state(), null);
      double mse = 2 * t.evaluate(d, ps.params(), ps.state()).loss(); // loss is ½Σ per row, K = 1
      assertTrue(mse < 1e-3, "MSE on sin[0, π] = " + mse);
      // The regression measures agree with the loss: RMSE² is the mean squared error.
      Evaluation e = t.evaluate(d, ps.params(), ps.state());
      assertEquals(mse, Math.pow(e.metrics().get("rmse"), 2), 1e-9);
      assertTrue(e.metrics().get("r2") > 0.99, e.metrics().toString());
      List<EpochMetrics> h = new ArrayList<>();
      Weights again = t.initialise();
      t.fit(d, d, again.params(), again.state(), h::add);
      assertTrue(h.get(299).task().get("validation_rmse") < 0.05, h.get(299).toString());
      assertEquals(Math.sqrt(2 * h.get(299).trainLoss()), h.get(299).task().get("train_rmse"),
          1e-12);
    }
  }

  private static Dataset random(int rows, int features, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[rows * features];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(classes);
    }
    return new Dataset(x, y, rows, features, 1);
  }

  private static float[] train(MlpSpec spec, TrainConfig cfg, Dataset d) {
    try (Trainer t = new Trainer(spec, cfg)) {
      Weights ps = t.initialise();
      t.fit(d, null, ps.params(), ps.state(), null);
      return ps.params();
    }
  }

  @Test
  void twoThreadsGiveTheSameParametersAsOne() {
    Dataset d = random(200, 12, 3, 1);
    MlpSpec spec = MlpSpec.of("12-16-8-3", "tanh", "softmax_ce");
    for (String opt : new String[] {"sgd", "momentum", "adam"}) {
      TrainConfig cfg = TrainConfig.defaults(9).withEpochs(2).withBatch(20)
          .withOptimizer(OptimizerConfig.defaults(opt), opt.equals("adam") ? 1e-3f : 0.05f);
      float[] one = train(spec, cfg, d);
      float[] two = train(spec, cfg.withThreads(2), d);
      float[] three = train(spec, cfg.withThreads(3), d);
      for (int i = 0; i < one.length; i++) {
        float tol = 1e-5f * Math.max(1f, Math.abs(one[i]));
        assertEquals(one[i], two[i], tol, opt + " 2 threads, param " + i);
        assertEquals(one[i], three[i], tol, opt + " 3 threads, param " + i);
      }
    }
  }

  @Test
  void deterministicForASeedAndDifferentAcrossSeeds() {
    Dataset d = random(100, 6, 3, 2);
    MlpSpec spec = MlpSpec.of("6-10-3", "relu", "softmax_ce").withDropout(0.2)
        .withBatchNorm(true);
    TrainConfig cfg = TrainConfig.defaults(4).withEpochs(3).withBatch(16).withThreads(2);
    assertArrayEquals(train(spec, cfg, d), train(spec, cfg, d));
    TrainConfig other = new TrainConfig(3, 16, cfg.optimizer(), cfg.lr(), cfg.schedule(), 0, 0, 0,
        true, 5, 2);
    assertTrue(!Arrays.equals(train(spec, cfg, d), train(spec, other, d)));
  }

  @Test
  void earlyStoppingRestoresTheBestEpoch() {
    // Random labels: the network memorises the training set while validation loss rises.
    Dataset trainSet = random(64, 10, 4, 3);
    Dataset val = random(64, 10, 4, 4);
    MlpSpec spec = MlpSpec.of("10-64-4", "relu", "softmax_ce");
    TrainConfig cfg = TrainConfig.defaults(6).withEpochs(200).withBatch(16)
        .withOptimizer(OptimizerConfig.defaults("adam"), 0.01f).withEarlyStopping(3, true);
    try (Trainer t = new Trainer(spec, cfg)) {
      Weights ps = t.initialise();
      Trainer.Result r = t.fit(trainSet, val, ps.params(), ps.state(), null);
      assertTrue(r.stoppedEarly(), "stopped early");
      assertEquals(r.bestEpoch() + 3, r.history().size());
      double bestVal = r.history().get(r.bestEpoch() - 1).validationLoss();
      assertEquals(bestVal, t.evaluate(val, ps.params(), ps.state()).loss(), 1e-6);
    }
  }

  @Test
  void l2AndClippingChangeTheUpdateAsSpecified() {
    Dataset d = random(32, 4, 2, 5);
    MlpSpec spec = MlpSpec.of("4-3-2", "tanh", "softmax_ce");
    TrainConfig base = TrainConfig.defaults(8).withEpochs(1).withBatch(32)
        .withOptimizer(OptimizerConfig.defaults("sgd"), 0.1f);
    float[] plain = train(spec, base, d);
    float[] l2 = train(spec, base.withRegularisation(0.5f, 0f), d);
    try (Trainer t = new Trainer(spec, base)) {
      float[] p0 = t.initialise().params();
      int[] decay = t.engine().paramLayout().decayRanges();
      // one SGD step: l2 adds lr·λ·w0 to the weights' update and nothing to the biases
      for (int i = 0; i < p0.length; i++) {
        boolean isWeight = false;
        for (int r = 0; r < decay.length; r += 2) {
          isWeight |= i >= decay[r] && i < decay[r + 1];
        }
        float expected = plain[i] - (isWeight ? 0.1f * 0.5f * p0[i] : 0f);
        assertEquals(expected, l2[i], 1e-6f, "param " + i);
      }
      // clipping to a tiny norm: the step length is lr·clip
      float[] clipped = train(spec, base.withRegularisation(0f, 1e-3f), d);
      double len = 0;
      for (int i = 0; i < p0.length; i++) {
        len += (double) (clipped[i] - p0[i]) * (clipped[i] - p0[i]);
      }
      assertEquals(0.1 * 1e-3, Math.sqrt(len), 1e-7);
    }
  }

  @Test
  void divergenceStopsWithAClearMessage() {
    Dataset d = random(32, 4, 2, 5);
    float[] y = new float[32];
    Arrays.fill(y, 1e20f);
    Dataset reg = new Dataset(d.x(), y, 32, 4, 1);
    MlpSpec spec = MlpSpec.of("4-3-1", "relu", "mse");
    TrainConfig cfg = TrainConfig.defaults(1).withEpochs(5).withBatch(8)
        .withOptimizer(OptimizerConfig.defaults("sgd"), 1f);
    try (Trainer t = new Trainer(spec, cfg)) {
      Weights ps = t.initialise();
      DivergenceException e = assertThrows(DivergenceException.class,
          () -> t.fit(reg, null, ps.params(), ps.state(), null));
      assertTrue(e.getMessage().contains("epoch 1"), e.getMessage());
    }
  }

  @Test
  void rejectsDataOfTheWrongShape() {
    MlpSpec spec = MlpSpec.of("4-3-2", "tanh", "softmax_ce");
    try (Trainer t = new Trainer(spec, TrainConfig.defaults(1))) {
      Weights ps = t.initialise();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> t.fit(random(10, 5, 2, 1), null, ps.params(), ps.state(), null));
      assertTrue(e.getMessage().contains("5 features"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          // label 2 ≥ 2 classes
          () -> t.fit(random(10, 4, 3, 1), null, ps.params(), ps.state(), null));
    }
  }
}
