package org.sparkprop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.GradCheck;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.loss.Task;

/**
 * Whole-network gradients (every Dense, fused activation, batch norm in training mode, dropout
 * with a fixed mask, every loss) against central differences on tiny shapes: B=3, I=4, H=5.
 */
class MlpGradCheckTest {
  private static void check(MlpSpec spec, String kernel) {
    int b = 3;
    Mlp mlp = new Mlp(spec, b, Kernels.newGemm(kernel));
    Weights ps = mlp.initialise(12);
    float[] p = ps.params();
    SplittableRandom r = new SplittableRandom(12);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (r.nextDouble() * 0.2 - 0.1); // move γ, β, biases off their init values
    }
    float[] x = new float[b * spec.inputs()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    int k = spec.outputs();
    int tw = mlp.loss().targetWidth(k);
    float[] y = new float[b * tw];
    for (int i = 0; i < y.length; i++) {
      y[i] = tw == 1 ? r.nextInt(k) : r.nextInt(2);
    }
    float[] g = new float[p.length];
    mlp.setDropoutSeed(99);
    float[] s0 = ps.state().clone();
    mlp.lossAndGrad(p, ps.state().clone(), x, y, b, g);
    GradCheck.check(spec + " on " + kernel, p, g, () -> {
      mlp.setDropoutSeed(99);
      float[] out = mlp.forward(p, s0.clone(), x, b, true);
      return mlp.loss().loss(out, y, b, k);
    });
  }

  @Test
  void everyLayerActivationAndLoss() {
    for (String kernel : Kernels.vectorAvailable() ? List.of("java", "vector") : List.of("java")) {
      for (String act : List.of("sigmoid:1.5", "tanh", "tanh:0.5", "relu", "leaky_relu:0.1",
          "elu", "softplus", "identity", "maxout:3")) {
        check(MlpSpec.of("4-5-3", act, "softmax_ce"), kernel);
      }
      check(MlpSpec.of("4-5-5-3", "tanh", "sigmoid_bce"), kernel);
      check(MlpSpec.of("4-5-2", "elu", "mse"), kernel);
      check(MlpSpec.of("4-5-3", "sigmoid", "sigmoid_mse"), kernel);
      check(MlpSpec.of("4-5-3", "tanh", "sigmoid_bce").withTask(Task.CLASSIFICATION), kernel);
      check(MlpSpec.of("4-5-3", "sigmoid", "sigmoid_mse").withTask(Task.CLASSIFICATION), kernel);
      check(MlpSpec.of("4-5-5-3", "tanh", "softmax_ce").withBatchNorm(true), kernel);
      check(MlpSpec.of("4-5-5-3", "sigmoid", "mse").withDropout(0.4), kernel);
      check(MlpSpec.of("4-5-5-3", "tanh", "softmax_ce").withBatchNorm(true).withDropout(0.3),
          kernel);
      check(MlpSpec.of("4-5-4-3", "maxout:2", "softmax_ce").withBatchNorm(true), kernel);
    }
  }

  /**
   * lossAndGrad with accumulate false overwrites g (NaN before, so a slice left unwritten or
   * added to shows), bit for bit what zeroing g and accumulating gives; accumulate true adds.
   * Every layer kind that owns parameters (Dense with and without a following batch norm),
   * multi-block products (K = 300 > KC), on each kernel.
   */
  @Test
  void overwriteEqualsZeroThenAccumulate() {
    for (String kernel : Kernels.vectorAvailable() ? List.of("java", "vector") : List.of("java")) {
      for (MlpSpec spec : List.of(MlpSpec.of("300-40-7", "relu", "softmax_ce"),
          MlpSpec.of("300-40-33-7", "tanh", "softmax_ce").withBatchNorm(true).withDropout(0.2))) {
        int b = 37;
        Mlp mlp = new Mlp(spec, b, Kernels.newGemm(kernel));
        Weights ps = mlp.initialise(5);
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[b * spec.inputs()];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] y = new float[b];
        for (int i = 0; i < b; i++) {
          y[i] = r.nextInt(spec.outputs());
        }
        float[] zeroed = new float[ps.params().length];
        mlp.setDropoutSeed(3);
        double l1 = mlp.lossAndGrad(ps.params(), ps.state().clone(), x, y, b, zeroed, true);
        float[] over = new float[ps.params().length];
        Arrays.fill(over, Float.NaN);
        mlp.setDropoutSeed(3);
        double l2 = mlp.lossAndGrad(ps.params(), ps.state().clone(), x, y, b, over, false);
        String what = spec + " on " + kernel;
        assertEquals(l1, l2, what + " loss");
        assertArrayEquals(zeroed, over, what + " overwrite");
        float[] added = new float[ps.params().length];
        Arrays.fill(added, 1f);
        mlp.setDropoutSeed(3);
        mlp.lossAndGrad(ps.params(), ps.state().clone(), x, y, b, added, true);
        for (int i = 0; i < added.length; i++) {
          assertEquals(1f + zeroed[i], added[i], 1e-5f * (1 + Math.abs(zeroed[i])), what + " add");
        }
      }
    }
  }
}
