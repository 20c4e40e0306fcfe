package org.sparkprop.trainer.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;

/** Maxout by hand: the winners, the routed gradient, the layout it gives a network. */
class MaxoutTest {
  @Test
  void keepsEachUnitsLargestPieceAndRoutesItsGradientThere() {
    Maxout m = new Maxout(2, 3, 2);
    // Two rows, two units of three pieces each.
    float[] x = {1, 5, 2, -1, -3, -2, 0, 0, 0, 7, 8, 9};
    float[] y = new float[4];
    m.forward(null, null, x, y, 2, true);
    assertArrayEquals(new float[] {5, -1, 0, 9}, y);  // ties: the first piece wins
    float[] dx = new float[12];
    Arrays.fill(dx, 42f);
    m.backward(null, x, y, new float[] {1, 2, 3, 4}, dx, null, 2, false);
    assertArrayEquals(new float[] {0, 1, 0, 2, 0, 0, 3, 0, 0, 0, 0, 4}, dx);
  }

  @Test
  void aMaxoutNetworkHasKPiecesPerHiddenUnit() {
    MlpSpec spec = MlpSpec.of("4-5-3", "maxout:3", "softmax_ce");
    // 4 × 15 weights and 15 biases, then 5 × 3 weights and 3 biases.
    assertEquals(4 * 15 + 15 + 5 * 3 + 3, new Mlp(spec, 1).paramCount());
    assertEquals("maxout:3", Activation.parse("maxout:3").toString());
    assertEquals(2, Activation.parse("maxout").pieces());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Activation.parse("maxout:1.5"));
    assertEquals("maxout takes a whole number of pieces from 2 to 16, got 1.5", e.getMessage());
  }
}
