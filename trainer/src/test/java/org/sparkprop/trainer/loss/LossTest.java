package org.sparkprop.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.GradCheck;

class LossTest {
  @Test
  void gradientsMatchFiniteDifferences() {
    int b = 3;
    int k = 4;
    SplittableRandom r = new SplittableRandom(7);
    for (Loss loss : List.of(new SoftmaxCrossEntropy(), new SigmoidBinaryCrossEntropy(),
        new MeanSquaredError())) {
      float[] out = new float[b * k];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (r.nextDouble() * 4 - 2);
      }
      int tw = loss.targetWidth(k);
      float[] t = new float[b * tw];
      for (int i = 0; i < t.length; i++) {
        t[i] = tw == 1 ? r.nextInt(k) : (float) (loss instanceof MeanSquaredError
            ? r.nextDouble() * 2 - 1 : r.nextInt(2));
      }
      float[] d = new float[out.length];
      double l = loss.lossAndGrad(out, t, d, b, k);
      assertEquals(l, loss.loss(out, t, b, k), 1e-9, loss.name() + " loss() agrees");
      GradCheck.check(loss.name(), out, d, () -> loss.loss(out, t, b, k));
    }
  }

  @Test
  void softmaxCrossEntropyHandValueAndExtremeLogits() {
    Loss ce = new SoftmaxCrossEntropy();
    float[] out = {0, 0, (float) Math.log(2)}; // softmax = (1/4, 1/4, 1/2)
    float[] d = new float[3];
    assertEquals(Math.log(4), ce.lossAndGrad(out, new float[] {0}, d, 1, 3), 1e-6);
    assertEquals(-0.75f, d[0], 1e-6f);
    assertEquals(0.25f, d[1], 1e-6f);
    assertEquals(0.5f, d[2], 1e-6f);
    float[] big = {1000, -1000, 0, -1000, 1000, 0};
    double l = ce.lossAndGrad(big, new float[] {1, 1}, new float[6], 2, 3);
    assertTrue(Double.isFinite(l), "finite for logits of ±1000");
    assertEquals(2000, l, 1e-3); // row 0: 1000 − (−1000); row 1: 0
  }

  @Test
  void binaryCrossEntropyStableAndCounted() {
    Loss bce = new SigmoidBinaryCrossEntropy();
    float[] d = new float[2];
    double l = bce.lossAndGrad(new float[] {1000, -1000}, new float[] {0, 0}, d, 1, 2);
    assertEquals(1000, l, 1e-3);
    assertEquals(1f, d[0], 1e-6f);
    assertEquals(2, bce.correct(new float[] {0.3f, -2}, new float[] {1, 0}, 1, 2));
  }

  @Test
  void validatesTargets() {
    assertThrows(IllegalArgumentException.class,
        () -> new SoftmaxCrossEntropy().validateTargets(new float[] {0, 10}, 2, 10));
    assertThrows(IllegalArgumentException.class,
        () -> new SoftmaxCrossEntropy().validateTargets(new float[] {1.5f}, 1, 10));
    assertThrows(IllegalArgumentException.class,
        () -> new SigmoidBinaryCrossEntropy().validateTargets(new float[] {2}, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new MeanSquaredError().validateTargets(new float[] {Float.NaN}, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Loss.parse("hinge"));
  }
}
