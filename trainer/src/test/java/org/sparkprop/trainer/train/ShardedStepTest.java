package org.sparkprop.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.optim.OptimizerConfig;

/**
 * The sharded update (ZeRO stage 1: each worker steps the ranges it owns) against the whole
 * update: for every optimizer, with coupled L2 and decoupled weight decay on a layout whose
 * decayed ranges cross the shards' edges, the same parameters and optimizer state bit for
 * bit over several steps; with clipping, the same up to the norm's summation order.
 */
class ShardedStepTest {
  private static final int N = 1000;
  /** Weights [0, 600) and [610, 990); biases elsewhere. */
  private static final int[] DECAY = {0, 600, 610, 990};
  /** Shard edges: odd sizes, none on a vector boundary or a decay edge. */
  private static final int[] EDGES = {0, 7, 333, 605, 611, 998, N};

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"})
  void shardsStepLikeTheWhole(String name) {
    for (float clip : new float[] {0f, 0.5f}) {
      TrainConfig cfg = TrainConfig.defaults(1)
          .withOptimizer(OptimizerConfig.defaults(name).withWeightDecay(0.01f), 0.01f)
          .withSchedule(new LrSchedule("cosine", 2, 1, 1, 0)).withRegularisation(1e-3f, clip);
      StepUpdate whole = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), N, DECAY), DECAY,
          N);
      StepUpdate shards = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), N, DECAY),
          DECAY, N);
      SplittableRandom r = new SplittableRandom(name.hashCode());
      float[] p1 = new float[N];
      for (int i = 0; i < N; i++) {
        p1[i] = (float) r.nextGaussian();
      }
      float[] p2 = p1.clone();
      for (long step = 1; step <= 5; step++) {
        float[] g1 = new float[N];
        for (int i = 0; i < N; i++) {
          g1[i] = (float) (r.nextGaussian() * 3);
        }
        float[] g2 = g1.clone();
        double n1 = whole.apply(p1, g1, 0.7, step, 5, 1);
        double squares = 0;
        for (int k = 0; k + 1 < EDGES.length; k++) {
          squares += shards.squares(p2, g2, EDGES[k], EDGES[k + 1]);
        }
        double n2 = shards.norm(squares, 0.7, step, 1);
        float factor = shards.begin(n2, step, 5);
        for (int k = 0; k + 1 < EDGES.length; k++) {
          shards.stepShard(p2, g2, factor, step, EDGES[k], EDGES[k + 1]);
        }
        assertEquals(n1, n2, 1e-9 * n1, name + " step " + step);
        if (clip == 0) {
          assertArrayEquals(p1, p2, name + " step " + step);
          for (int o = 0; o < whole.optimizer().state().size(); o++) {
            assertArrayEquals(whole.optimizer().state().get(o), shards.optimizer().state()
                .get(o), name + " state " + o);
          }
        } else {
          assertArrayEquals(p1, p2, 1e-5f, name + " clipped, step " + step);
        }
      }
    }
  }

  /**
   * applySum (the sum made the mean inside the norm's pass) against scaling first and then
   * apply, with and without coupled L2, clipping and AdamW's decay: the same norm, parameters
   * and optimizer state bit for bit.
   */
  @ParameterizedTest
  @ValueSource(strings = {"momentum", "adam", "adamw"})
  void theStepOnAGradientSumIsTheStepOnItsMean(String name) {
    for (float l2 : new float[] {0f, 1e-3f}) {
      for (float clip : new float[] {0f, 0.5f}) {
        TrainConfig cfg = TrainConfig.defaults(1)
            .withOptimizer(OptimizerConfig.defaults(name), 0.01f)
            .withSchedule(new LrSchedule("cosine", 2, 1, 1, 0)).withRegularisation(l2, clip);
        StepUpdate mean = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), N, DECAY),
            DECAY, N);
        StepUpdate sum = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), N, DECAY), DECAY,
            N);
        SplittableRandom r = new SplittableRandom(name.hashCode() + 7);
        float[] p1 = new float[N];
        for (int i = 0; i < N; i++) {
          p1[i] = (float) r.nextGaussian();
        }
        float[] p2 = p1.clone();
        float scale = 1f / 96;
        for (long step = 1; step <= 4; step++) {
          float[] g2 = new float[N];
          for (int i = 0; i < N; i++) {
            g2[i] = (float) (r.nextGaussian() * 200);
          }
          float[] g1 = g2.clone();
          for (int i = 0; i < N; i++) {
            g1[i] *= scale;
          }
          double n1 = mean.apply(p1, g1, 0.7, step, 4, 1);
          double n2 = sum.applySum(p2, g2, scale, 0.7, step, 4, 1);
          String what = name + " l2 " + l2 + " clip " + clip + " step " + step;
          assertEquals(n1, n2, 0, what);
          assertArrayEquals(p1, p2, what);
          assertArrayEquals(g1, g2, what);
          for (int o = 0; o < mean.optimizer().state().size(); o++) {
            assertArrayEquals(mean.optimizer().state().get(o), sum.optimizer().state().get(o),
                what);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY})
  void aNonFiniteTotalIsDivergenceWithTheWholeUpdatesMessage(double squares) {
    TrainConfig cfg = TrainConfig.defaults(1);
    StepUpdate u = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), N, DECAY), DECAY, N);
    DivergenceException e = assertThrows(DivergenceException.class,
        () -> u.norm(squares, 0.5, 12, 3));
    assertEquals("training diverged at epoch 3, step 12: loss 0.5, gradient norm "
        + Math.sqrt(squares) + " (lower the learning rate or enable --clip-norm)",
        e.getMessage());
  }
}
