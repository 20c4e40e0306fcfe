package org.sparkprop.trainer.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutTest {
  @Test
  void invertedDropoutKeepsWithProbabilityQAndScalesByOneOverQ() {
    int n = 10_000;
    Dropout d = new Dropout(n, 0.3, 1);
    float[] x = new float[n];
    Arrays.fill(x, 2f);
    float[] y = new float[n];
    d.setSeed(11);
    d.forward(null, null, x, y, 1, true);
    int zeros = 0;
    for (float v : y) {
      if (v == 0f) {
        zeros++;
      } else {
        assertEquals(2f / 0.7f, v, 1e-5f);
      }
    }
    assertEquals(0.3, zeros / (double) n, 0.02);
    // same seed, same mask; backward routes the gradient through the same mask
    float[] y2 = new float[n];
    d.forward(null, null, x, y2, 1, true);
    assertArrayEquals(y, y2);
    float[] dy = new float[n];
    Arrays.fill(dy, 1f);
    float[] dx = new float[n];
    d.backward(null, x, y, dy, dx, null, 1);
    for (int i = 0; i < n; i++) {
      assertEquals(y[i] / 2f, dx[i], 1e-6f);
    }
    // evaluation: identity
    d.forward(null, null, x, y, 1, false);
    assertArrayEquals(x, y);
    assertThrows(IllegalArgumentException.class, () -> new Dropout(3, 1.0, 1));
  }
}
