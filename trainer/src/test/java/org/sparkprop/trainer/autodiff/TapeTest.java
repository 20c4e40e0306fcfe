package org.sparkprop.trainer.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

/**
 * The tape reproduces the lecture's worked example exactly, and is a second reference for the
 * engine's backward pass: on a tiny sigmoid network with squared error, every parameter's
 * gradient from the tape equals {@link Mlp#lossAndGrad}'s.
 */
class TapeTest {
  /** y = ln(x1) + x1·x2 − sin(x2) at (2, 5): the notes' forward and reverse traces. */
  @Test
  void reproducesTheLecturesWorkedExample() {
    Tape t = new Tape();
    int x1 = t.input(2);
    int x2 = t.input(5);
    int v1 = t.ln(x1);
    int v2 = t.mul(x1, x2);
    int v3 = t.sin(x2);
    int v4 = t.add(v1, v2);
    int v5 = t.sub(v4, v3);
    assertEquals(0.693, t.value(v1), 5e-4);
    assertEquals(10, t.value(v2), 0);
    assertEquals(-0.959, t.value(v3), 5e-4);
    assertEquals(10.693, t.value(v4), 5e-4);
    assertEquals(11.652, t.value(v5), 5e-4);
    double[] bar = t.gradient(v5);
    assertEquals(5.5, bar[x1], 1e-15);                 // 1/x1 + x2
    assertEquals(1.716, bar[x2], 5e-4);                // x1 − cos x2
    assertEquals(2 - Math.cos(5), bar[x2], 1e-15);
    assertEquals(1, bar[v4], 0);
    assertEquals(-1, bar[v3], 0);
  }

  /** A 3-4-2 network, sigmoid hidden layer, identity output, squared error, 5 rows. */
  @Test
  void agreesWithTheEnginesBackwardPassOnATinyNetwork() {
    int in = 3;
    int hid = 4;
    int out = 2;
    int rows = 5;
    MlpSpec spec = MlpSpec.of(in + "-" + hid + "-" + out, "sigmoid", "mse");
    Mlp mlp = new Mlp(spec, rows);
    Weights w = mlp.initialise(9);
    float[] p = w.params();
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < p.length; i++) {
      p[i] += (float) (0.1 * r.nextGaussian());  // biases away from zero too
    }
    float[] x = new float[rows * in];
    float[] y = new float[rows * out];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) r.nextGaussian();
    }
    float[] g = new float[p.length];
    double engineLoss = mlp.lossAndGrad(p, w.state(), x, y, rows, g, false);

    // The same network on the tape. Layout: layer1.W (in × hid, row-major), layer1.b (hid),
    // layer2.W (hid × out), layer2.b (out).
    Tape t = new Tape();
    int[] prm = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      prm[i] = t.input(p[i]);
    }
    int w1 = 0;
    int b1 = in * hid;
    int w2 = b1 + hid;
    int b2 = w2 + hid * out;
    int loss = t.input(0);
    for (int row = 0; row < rows; row++) {
      int[] h = new int[hid];
      for (int j = 0; j < hid; j++) {
        int z = prm[b1 + j];
        for (int i = 0; i < in; i++) {
          z = t.add(z, t.mul(t.input(x[row * in + i]), prm[w1 + i * hid + j]));
        }
        h[j] = t.sigmoid(z);
      }
      for (int k = 0; k < out; k++) {
        int o = prm[b2 + k];
        for (int j = 0; j < hid; j++) {
          o = t.add(o, t.mul(h[j], prm[w2 + j * out + k]));
        }
        int d = t.sub(o, t.input(y[row * out + k]));
        loss = t.add(loss, t.scale(t.mul(d, d), 0.5));
      }
    }
    assertEquals(t.value(loss), engineLoss, 1e-5 * Math.abs(t.value(loss)));
    double[] bar = t.gradient(loss);
    for (int i = 0; i < p.length; i++) {
      assertEquals(bar[prm[i]], g[i], 1e-4 * (1 + Math.abs(bar[prm[i]])), "parameter " + i);
    }
    assertEquals(Activation.Kind.SIGMOID, spec.hidden().get(0).kind());
  }
}
