package org.sparkprop.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochMetricsTest {
  @Test
  void theLineShowsTheValidationSetOnlyWhenThereIsOne() {
    EpochMetrics withVal = new EpochMetrics(3, 0.41234, 0.85, 0.5, 0.8125, 0.001, 2.345, 25600,
        1.5);
    assertEquals("epoch   3 | train loss 0.4123 acc 0.8500 | val loss 0.5000 acc 0.8125 | lr "
        + "1.00e-03 | 2.35 s | 25600 samples/s", withVal.line());
    EpochMetrics noVal = new EpochMetrics(12, 0.25, 1.0, Double.NaN, Double.NaN, 0.3, 0.013,
        307.6, 0.2);
    assertEquals("epoch  12 | train loss 0.2500 acc 1.0000 | lr 3.00e-01 | 0.01 s | 308 "
        + "samples/s", noVal.line());
    EpochMetrics regression = new EpochMetrics(1, 0.02, Double.NaN, 0.03, Double.NaN, 0.01, 1,
        100, 0.5, Map.of("train_rmse", 0.2, "validation_rmse", 0.25, "validation_r2", 0.9));
    assertEquals("epoch   1 | train loss 0.0200 rmse 0.2000 | val loss 0.0300 rmse 0.2500 r2 "
        + "0.9000 | lr 1.00e-02 | 1.00 s | 100 samples/s", regression.line());
  }
}
