package org.sparkprop.trainer.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.GradCheck;

class ActivationGradCheckTest {
  static final List<Activation> ALL = List.of(Activation.IDENTITY, Activation.SIGMOID,
      Activation.sigmoid(2.5), Activation.TANH, Activation.tanh(0.5), Activation.RELU,
      Activation.leakyRelu(0.1),
      Activation.elu(1.0), Activation.elu(0.5), Activation.SOFTPLUS, Activation.SOFTMAX);

  /** The PV021 notes' (1 − e^−ξ)/(1 + e^−ξ) is tanh:0.5, and prints as it parses. */
  @Test
  void tanhWithSteepnessHalfIsTheNotesForm() {
    Activation t = Activation.parse("tanh:0.5");
    assertEquals("tanh:0.5", t.toString());
    assertEquals(Activation.TANH, Activation.parse("tanh:1"));
    float[] x = {-3f, -0.4f, 0f, 0.7f, 5f};
    float[] y = new float[x.length];
    t.forward(x, y, 1, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals((1 - Math.exp(-x[i])) / (1 + Math.exp(-x[i])), y[i], 1e-6, "x = " + x[i]);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Activation.parse("tanh:-1"));
    assertTrue(e.getMessage().contains("tanh steepness λ"), e.getMessage());
  }

  @Test
  void backwardMatchesFiniteDifferences() {
    int rows = 3;
    int cols = 5;
    SplittableRandom r = new SplittableRandom(12);
    for (Activation a : ALL) {
      float[] x = new float[rows * cols];
      for (int i = 0; i < x.length; i++) {
        // keep away from ReLU's kink at 0, where the derivative is undefined
        double v = r.nextDouble() * 4 - 2;
        x[i] = (float) (Math.abs(v) < 0.05 ? v + 0.2 : v);
      }
      float[] w = new float[rows * cols]; // a random linear functional of the output
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (r.nextDouble() * 2 - 1);
      }
      float[] y = new float[x.length];
      a.forward(x, y, rows, cols);
      float[] dx = new float[x.length];
      a.backward(y, w, dx, rows, cols);
      float[] tmp = new float[x.length];
      GradCheck.check(a.toString(), x, dx, () -> {
        a.forward(x, tmp, rows, cols);
        double s = 0;
        for (int i = 0; i < tmp.length; i++) {
          s += (double) w[i] * tmp[i];
        }
        return s;
      });
    }
  }

  @Test
  void handComputedValues() {
    float[] x = {-1, 0, 2};
    float[] y = new float[3];
    Activation.sigmoid(2).forward(x, y, 1, 3);
    assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(2))), 0.5f,
        (float) (1 / (1 + Math.exp(-4)))}, y, 1e-6f);
    Activation.leakyRelu(0.1).forward(x, y, 1, 3);
    assertArrayEquals(new float[] {-0.1f, 0f, 2f}, y, 1e-7f);
    Activation.elu(1).forward(x, y, 1, 3);
    assertArrayEquals(new float[] {(float) (Math.exp(-1) - 1), 0f, 2f}, y, 1e-6f);
    Activation.STEP.forward(x, y, 1, 3);
    assertArrayEquals(new float[] {0f, 1f, 1f}, y);
    Activation.SOFTPLUS.forward(new float[] {0, 1000, -1000}, y, 1, 3);
    assertArrayEquals(new float[] {(float) Math.log(2), 1000f, 0f}, y, 1e-6f);
    Activation.SOFTMAX.forward(new float[] {1000, 1000, -1000}, y, 1, 3);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, y, 1e-7f);
  }

  @Test
  void parsesNamesAndRejectsBadOnes() {
    assertEquals(Activation.sigmoid(2), Activation.parse("sigmoid:2"));
    assertEquals(Activation.leakyRelu(0.01), Activation.parse("leaky_relu"));
    assertEquals(Activation.RELU, Activation.parse(" ReLU "));
    assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
    assertThrows(IllegalArgumentException.class, () -> Activation.parse("sigmoid:x"));
    assertThrows(IllegalArgumentException.class, () -> Activation.parse("relu:2"));
    assertThrows(IllegalArgumentException.class, () -> Activation.sigmoid(0));
    assertThrows(UnsupportedOperationException.class,
        () -> Activation.STEP.backward(new float[1], new float[1], new float[1], 1, 1));
  }
}
