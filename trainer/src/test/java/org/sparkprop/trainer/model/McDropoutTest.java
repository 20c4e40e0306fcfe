package org.sparkprop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class McDropoutTest {
  private static float[] inputs(int rows, int width) {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[rows * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** Without dropout every pass is the evaluation pass: the mean is predict's, uncertainty its. */
  @Test
  void withoutDropoutOneSampleIsThePlainPrediction() {
    MlpSpec spec = MlpSpec.of("6-16-4", "relu", "softmax_ce").withBatchNorm(true);
    Mlp mlp = new Mlp(spec, 8);
    Weights w = mlp.initialise(1);
    float[] x = inputs(8, 6);
    float[] plain = new float[32];
    mlp.predict(w.params(), w.state(), x, 8, plain);
    float[] mean = new float[32];
    float[] u = new float[8];
    new McDropout(mlp, 1, 9).predict(w.params(), w.state(), x, 8, 0, mean, u);
    assertArrayEquals(plain, mean, 0f);
    for (int r = 0; r < 8; r++) {
      double h = 0;
      for (int j = 0; j < 4; j++) {
        h -= plain[r * 4 + j] * Math.log(plain[r * 4 + j]);
      }
      assertEquals(h, u[r], 1e-6, "predictive entropy of row " + r);
    }
  }

  /**
   * With dropout the passes differ: a regression output's variance is positive, the mean is
   * close to the evaluation-mode prediction (inverted dropout keeps expectations), the batch
   * norm state is left as it was, and the same seed gives the same numbers.
   */
  @Test
  void withDropoutTheSpreadIsPositiveAndTheMeanNearThePrediction() {
    MlpSpec spec = MlpSpec.of("6-64-64-2", "tanh", "mse").withDropout(0.2).withBatchNorm(true);
    Mlp mlp = new Mlp(spec, 16);
    Weights w = mlp.initialise(2);
    float[] state = w.state().clone();
    float[] x = inputs(16, 6);
    float[] plain = new float[32];
    mlp.predict(w.params(), w.state(), x, 16, plain);
    float[] mean = new float[32];
    float[] u = new float[16];
    new McDropout(mlp, 400, 5).predict(w.params(), w.state(), x, 16, 0, mean, u);
    double scale = 0;
    double err = 0;
    for (int i = 0; i < 32; i++) {
      scale += Math.abs(plain[i]);
      err += Math.abs(mean[i] - plain[i]);
    }
    assertTrue(err < 0.1 * scale, "mean within 10% of the prediction: " + err + " / " + scale);
    for (float v : u) {
      assertTrue(v > 0, "variance " + Arrays.toString(u));
    }
    assertArrayEquals(state, w.state(), 0f, "batch norm's running statistics untouched");
    float[] again = new float[32];
    new McDropout(mlp, 400, 5).predict(w.params(), w.state(), x, 16, 0, again, new float[16]);
    assertArrayEquals(mean, again, 0f);
    new McDropout(mlp, 400, 6).predict(w.params(), w.state(), x, 16, 0, again, new float[16]);
    assertNotEquals(Arrays.toString(mean), Arrays.toString(again), "another seed, other masks");
  }
}
