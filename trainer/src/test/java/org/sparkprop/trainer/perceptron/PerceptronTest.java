package org.sparkprop.trainer.perceptron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.data.Dataset;

class PerceptronTest {
  @Test
  void learnsAndAndOrButNotXor() {
    float[] x = {0, 0, 0, 1, 1, 0, 1, 1};
    // two outputs at once: AND and OR
    float[] y = {0, 0, 0, 1, 0, 1, 1, 1};
    Perceptron p = new Perceptron(2, 2);
    int epochs = p.train(new Dataset(x, y, 4, 2, 2), 0.5f, 100, 1);
    assertTrue(epochs < 100, "converged on separable data");
    assertEquals(1.0, p.accuracy(new Dataset(x, y, 4, 2, 2)));
    Perceptron q = new Perceptron(2, 1);
    Dataset xor = new Dataset(x, new float[] {0, 1, 1, 0}, 4, 2, 1);
    assertEquals(100, q.train(xor, 0.5f, 100, 1), "XOR is not linearly separable");
    assertTrue(q.accuracy(xor) < 1.0);
  }
}
