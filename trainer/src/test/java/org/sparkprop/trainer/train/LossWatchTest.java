package org.sparkprop.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.loss.LossKind;

/** The finite-explosion rule on hand-made loss curves, with its exact messages. */
class LossWatchTest {
  @Test
  void aHealthyCurveAndOneThatRisesLessThanAThousandTimesPass() {
    LossWatch w = new LossWatch(LossKind.SOFTMAX_CE, 10);
    for (double l : new double[] {0.9, 0.5, 0.3, 0.31, 250}) {
      w.check(1, l);  // 250 < 1000 × 0.3 and < 1000 × ln 10
    }
    LossWatch mse = new LossWatch(LossKind.MSE, 1);
    mse.check(1, 5e6);  // no natural scale for squared error: any first epoch passes
    mse.check(2, 4e9);  // < 1000 × 5e6
  }

  @Test
  void aLossOverAThousandTimesTheLowestEpochIsDivergence() {
    LossWatch w = new LossWatch(LossKind.MSE, 1);
    w.check(1, 2.0);
    w.check(2, 0.01);
    DivergenceException e = assertThrows(DivergenceException.class, () -> w.check(3, 10.5));
    assertEquals("training diverged at epoch 3: the training loss 10.50 is over 1000 times "
        + "epoch 2's (0.01000) (lower the learning rate or enable --clip-norm)", e.getMessage());
  }

  @Test
  void aFirstEpochOverAThousandTimesChanceIsDivergence() {
    LossWatch w = new LossWatch(LossKind.SOFTMAX_CE, 10);
    DivergenceException e = assertThrows(DivergenceException.class, () -> w.check(1, 3.1e33));
    assertEquals("training diverged at epoch 1: the training loss 3.100e+33 is over 1000 times "
        + "a chance-level prediction's (2.303) (lower the learning rate or enable --clip-norm)",
        e.getMessage());
    LossWatch b = new LossWatch(LossKind.SIGMOID_BCE, 3);  // chance 3 ln 2 = 2.079
    b.check(1, 2000);
    assertThrows(DivergenceException.class, () -> b.check(2, 2100));
  }

  @Test
  void aNonFiniteLossIsDivergence() {
    DivergenceException e = assertThrows(DivergenceException.class,
        () -> new LossWatch(LossKind.MSE, 1).check(4, Double.POSITIVE_INFINITY));
    assertEquals("training diverged at epoch 4: training loss Infinity (lower the learning "
        + "rate or enable --clip-norm)", e.getMessage());
  }
}
