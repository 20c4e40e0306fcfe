package org.sparkprop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.trainer.kernel.Gemm;
import org.sparkprop.trainer.kernel.Kernels;

/**
 * The engine's progress during a training pass: the forward pass reported once with the loss
 * the pass returns, then the final tail of the gradient growing layer by layer from the end to
 * 0, each reported part already equal to the pass's final gradient, and the bits the same as a
 * pass that reports nothing.
 */
class MlpProgressTest {
  @Test
  void eachReportedTailOfTheGradientIsAlreadyFinal() {
    // 6-5-4-3 with batch norm and dropout: layer1.W (30), bn (5+5), layer2.W (20), bn (4+4),
    // layer3.W (12) and .b (3).
    MlpSpec spec = MlpSpec.of("6-5-4-3", "relu", "softmax_ce").withBatchNorm(true)
        .withDropout(0.2);
    int batch = 7;
    Mlp mlp = new Mlp(spec, batch);
    Weights w = mlp.initialise(3);
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[batch * 6];
    float[] y = new float[batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < batch; i++) {
      y[i] = r.nextInt(3);
    }
    int n = mlp.paramCount();
    float[] g = new float[n];
    List<Integer> froms = new ArrayList<>();
    List<float[]> tails = new ArrayList<>();
    double[] forwardLoss = {Double.NaN};
    int[] forwardCalls = {0};
    float[] s = w.state().clone();
    mlp.setDropoutSeed(11);
    double loss = mlp.lossAndGrad(w.params(), s, x, y, batch, g, false,
        new GradientEngine.Progress() {
          @Override
          public void forwardDone(double lossSum) {
            forwardLoss[0] = lossSum;
            forwardCalls[0]++;
            assertEquals(0, froms.size(), "forward reported after a gradient part");
          }

          @Override
          public void gradientReady(int from) {
            froms.add(from);
            tails.add(Arrays.copyOfRange(g, from, n));
          }
        });
    assertEquals(1, forwardCalls[0]);
    assertEquals(loss, forwardLoss[0], 0.0);
    // One report per layer with parameters, at the start of its first slice: layer3 (Dense
    // with bias) starts at 30+10+20+8 = 68, bn2 at 60, layer2 at 40, bn1 at 30, layer1 at 0.
    assertEquals(List.of(68, 60, 40, 30, 0), froms);
    for (int t = 0; t < froms.size(); t++) {
      assertArrayEquals(Arrays.copyOfRange(g, froms.get(t), n), tails.get(t),
          "the part from " + froms.get(t) + " changed after it was reported");
    }
    // The same bits as a pass without progress (same seeds, same start state).
    float[] g2 = new float[n];
    float[] s2 = w.state().clone();
    mlp.setDropoutSeed(11);
    double loss2 = mlp.lossAndGrad(w.params(), s2, x, y, batch, g2, false);
    assertEquals(loss, loss2, 0.0);
    assertArrayEquals(g2, g);
    assertArrayEquals(s2, s);
  }

  /**
   * A first layer wider than the kernel's row block: its weight gradient is reported in blocks
   * of rows from the last, every report is one of the points the engine announces, each
   * reported tail is final, and the bits are those of a pass that reports nothing.
   */
  @ParameterizedTest
  @ValueSource(strings = {"java", "vector"})
  void aWideWeightGradientIsReportedInFinalRowBlocks(String kernel) {
    Assumptions.assumeTrue(kernel.equals("java") || Kernels.vectorAvailable());
    Gemm gemm = Kernels.newGemm(kernel);
    int block = gemm.tnRowBlock();
    MlpSpec spec = MlpSpec.of("500-24-3", "relu", "softmax_ce").withBatchNorm(true);
    int batch = 9;
    Mlp mlp = new Mlp(spec, batch, gemm);
    Weights w = mlp.initialise(4);
    SplittableRandom r = new SplittableRandom(6);
    float[] x = new float[batch * 500];
    float[] y = new float[batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < batch; i++) {
      y[i] = r.nextInt(3);
    }
    int n = mlp.paramCount();
    float[] g = new float[n];
    List<Integer> froms = new ArrayList<>();
    List<float[]> tails = new ArrayList<>();
    float[] s = w.state().clone();
    mlp.lossAndGrad(w.params(), s, x, y, batch, g, false, new GradientEngine.Progress() {
      @Override
      public void forwardDone(double lossSum) {}

      @Override
      public void gradientReady(int from) {
        froms.add(from);
        tails.add(Arrays.copyOfRange(g, from, n));
      }
    });
    // layer1.W (500 × 24) at 0, bn (24 + 24) at 12000, layer2.W (24 × 3) at 12048, .b at 12120.
    List<Integer> expected = new ArrayList<>(List.of(12048, 12000));
    for (int row = (500 - 1) / block * block; row > 0; row -= block) {
      expected.add(row * 24);
    }
    expected.add(0);
    assertEquals(expected, froms);
    List<Integer> points = Arrays.stream(mlp.gradientReadyPoints()).boxed().toList();
    assertTrue(points.containsAll(froms), froms + " not all in " + points);
    for (int t = 0; t < froms.size(); t++) {
      assertArrayEquals(Arrays.copyOfRange(g, froms.get(t), n), tails.get(t),
          "the part from " + froms.get(t) + " changed after it was reported");
    }
    float[] g2 = new float[n];
    mlp.lossAndGrad(w.params(), w.state().clone(), x, y, batch, g2, false);
    assertArrayEquals(g2, g);
  }
}
