package org.sparkprop.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueStatsTest {
  /**
   * 1..5 (with a prefix that is not counted): mean 3, population sd √2, RMS √11, quantiles
   * at positions 0.2, 1, 2, 3, 3.8 of the sorted values (NumPy's linear rule).
   */
  @Test
  void byHand() {
    ValueStats s = ValueStats.of(new float[] {100, 4, 1, 5, 3, 2}, 1, 5);
    assertEquals(3, s.mean(), 1e-12);
    assertEquals(Math.sqrt(2), s.sd(), 1e-12);
    assertEquals(Math.sqrt(11), s.rms(), 1e-12);
    assertEquals(1.2, s.p05(), 1e-6);
    assertEquals(2, s.p25(), 1e-12);
    assertEquals(3, s.p50(), 1e-12);
    assertEquals(4, s.p75(), 1e-12);
    assertEquals(4.8, s.p95(), 1e-6);
    assertEquals(8, s.toMap().size());
    assertTrue(Double.isNaN(ValueStats.of(new float[0], 0, 0).mean()));
    assertEquals(7, ValueStats.of(new float[] {7}, 0, 1).p95(), 0);
  }
}
