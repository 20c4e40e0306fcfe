package org.sparkprop.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.GradCheck;
import org.sparkprop.trainer.activation.Activation;

class LossTest {
  @Test
  void gradientsMatchFiniteDifferences() {
    int b = 3;
    int k = 4;
    SplittableRandom r = new SplittableRandom(7);
    for (Loss loss : List.of(new SoftmaxCrossEntropy(), new SigmoidBinaryCrossEntropy(),
        new MeanSquaredError(), new SigmoidSquaredError(),
        new TaskLoss(Task.CLASSIFICATION, LossKind.SIGMOID_BCE, k),
        new TaskLoss(Task.CLASSIFICATION, LossKind.SIGMOID_MSE, k),
        new TaskLoss(Task.CLASSIFICATION, LossKind.MSE, k))) {
      float[] out = new float[b * k];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (r.nextDouble() * 4 - 2);
      }
      int tw = loss.targetWidth(k);
      float[] t = new float[b * tw];
      for (int i = 0; i < t.length; i++) {
        t[i] = tw == 1 ? r.nextInt(k) : (float) (loss instanceof MeanSquaredError
            ? r.nextDouble() * 2 - 1 : loss instanceof SigmoidSquaredError ? r.nextDouble()
            : r.nextInt(2));
      }
      float[] d = new float[out.length];
      double l = loss.lossAndGrad(out, t, d, b, k);
      assertEquals(l, loss.loss(out, t, b, k), 1e-9, loss.name() + " loss() agrees");
      GradCheck.check(loss.name(), out, d, () -> loss.loss(out, t, b, k));
    }
  }

  /** σ(0) = ½ against target 1: L = ½·¼ = 0.125, ∂L/∂z = (½ − 1)·½·½ = −0.125. */
  @Test
  void sigmoidSquaredErrorByHand() {
    Loss l = new SigmoidSquaredError();
    float[] d = new float[2];
    assertEquals(0.125 + 0.5 * Math.pow(Activation.logistic(2f), 2),
        l.lossAndGrad(new float[] {0, 2}, new float[] {1, 0}, d, 1, 2), 1e-7);
    assertEquals(-0.125f, d[0], 1e-7f);
    float s2 = Activation.logistic(2f);
    assertEquals(s2 * s2 * (1 - s2), d[1], 1e-7f);
    assertEquals(Activation.Kind.SIGMOID,
        LossKind.parse("sigmoid_mse").create().outputActivation().kind());
  }

  /**
   * A per-output loss on class indices one-hot encodes them: the same loss and gradient, bit
   * for bit, as the inner loss given the one-hot rows; the class counts as correct by arg-max;
   * a single output is the binary target itself, decided at probability ½.
   */
  @Test
  void classIndicesAreOneHotEncodedForPerOutputLosses() {
    float[] out = {0.2f, 1.5f, -0.3f, 2f, -1f, 0.1f};
    float[] classes = {1, 2};
    float[] oneHot = {0, 1, 0, 0, 0, 1};
    for (LossKind kind : List.of(LossKind.SIGMOID_BCE, LossKind.MSE, LossKind.SIGMOID_MSE)) {
      TaskLoss t = new TaskLoss(Task.CLASSIFICATION, kind, 3);
      float[] d1 = new float[6];
      float[] d2 = new float[6];
      assertEquals(kind.create().lossAndGrad(out, oneHot, d2, 2, 3),
          t.lossAndGrad(out, classes, d1, 2, 3), 0, kind.toString());
      assertArrayEquals(d2, d1, 0);
      assertEquals(1, t.targetWidth(3));
      assertEquals(1, t.correct(out, classes, 2, 3), "row 0 right (1), row 1 wrong (0 ≠ 2)");
      assertEquals(0.5, t.accuracy(1, 2, 3));
    }
    TaskLoss binary = new TaskLoss(Task.CLASSIFICATION, LossKind.SIGMOID_BCE, 1);
    assertEquals(2, binary.correct(new float[] {0.1f, -0.1f}, new float[] {1, 0}, 2, 1));
    TaskLoss binaryMse = new TaskLoss(Task.CLASSIFICATION, LossKind.MSE, 1);
    assertEquals(1, binaryMse.correct(new float[] {0.4f, 0.6f}, new float[] {1, 1}, 2, 1),
        "an identity output is a positive decision from 0.5");
    TaskLoss labels = new TaskLoss(Task.MULTILABEL, LossKind.SIGMOID_BCE, 3);
    assertEquals(3, labels.targetWidth(3));
    assertEquals(2, labels.correct(out, oneHot, 1, 3), "z ≥ 0 is a label: 1,1,0 vs 0,1,0");
    TaskLoss reg = new TaskLoss(Task.REGRESSION, LossKind.MSE, 2);
    assertEquals(Double.NaN, reg.accuracy(reg.correct(out, out, 3, 2), 3, 2));
  }

  @Test
  void tasksRefuseLossesThatDoNotFit() {
    assertEquals("regression is fitted with squared error (mse, or sigmoid_mse for targets in "
        + "[0, 1]), not sigmoid_bce", assertThrows(IllegalArgumentException.class,
            () -> new TaskLoss(Task.REGRESSION, LossKind.SIGMOID_BCE, 2)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new TaskLoss(Task.MULTILABEL, LossKind.SOFTMAX_CE, 2)).getMessage()
        .startsWith("multilabel targets need one independent output per label"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new TaskLoss(Task.CLASSIFICATION, LossKind.SOFTMAX_CE, 1)).getMessage()
        .startsWith("softmax_ce needs one output per class"));
    assertEquals("row 1, label 0: target 0.5 is not 0 or 1", assertThrows(
        IllegalArgumentException.class, () -> new TaskLoss(Task.MULTILABEL,
            LossKind.SIGMOID_BCE, 2).validateTargets(new float[] {1, 0, 0.5f, 1}, 2, 2))
        .getMessage());
    assertEquals("row 0: class label 3.0 is not an integer in [0, 3)", assertThrows(
        IllegalArgumentException.class, () -> new TaskLoss(Task.CLASSIFICATION, LossKind.MSE,
            3).validateTargets(new float[] {3}, 1, 3)).getMessage());
    assertEquals(Task.REGRESSION, Task.parse("Regress"));
    assertEquals("unknown task 'ranking' (classification, regression, multilabel)",
        assertThrows(IllegalArgumentException.class, () -> Task.parse("ranking"))
            .getMessage());
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
