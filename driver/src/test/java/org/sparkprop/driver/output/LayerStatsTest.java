package org.sparkprop.driver.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LayerStatsTest {
  /** (3 rows, 4 units): units 1 and 3 are 0 on every row, so half the units are dead. */
  @Test
  void deadUnitsAreZeroOnEveryRow() {
    float[] y = {1, 0, 0.5f, 0, 0, 0, 0, 0, 2, 0, 0, 0};
    assertEquals(0.5, LayerStats.dead(y, 3, 4));
  }

  /** Sigmoid outputs within 1 % of 0 or 1, tanh outputs within 2 % of ±1 (1 % of the range). */
  @Test
  void saturatedOutputsAreNearTheEnds() {
    assertEquals(0.5, LayerStats.saturated(new float[] {0.005f, 0.5f, 0.995f, 0.9f}, 4, false));
    assertEquals(0.25, LayerStats.saturated(new float[] {-0.99f, -0.97f, 0, 0.5f}, 4, true));
  }
}
