package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;

/** Compact blocks: bytes for 0..255 integer features, read out as the plain form's floats. */
class BlockTest {
  private static Block pixels(int rows, int features, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[rows * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(256);
    }
    float[] y = new float[rows];
    return new Block(x, y, rows, features, 1);
  }

  @Test
  void pixelsArePackedAndReadBackWithTheSameBits() {
    Block raw = pixels(50, 7, 1);
    for (Scaling kind : Scaling.values()) {
      Normalizer norm = Normalizer.fit(kind, raw.x(), raw.rows(), raw.features());
      Block c = Block.scaled(raw, norm);
      assertTrue(c.compact(), kind.toString());
      assertEquals(7 + 4, c.bytesPerRow());
      float[] plain = raw.x().clone();
      norm.apply(plain, raw.rows());
      float[] read = new float[plain.length];
      c.copyRows(0, raw.rows(), read, 0);
      assertArrayEquals(plain, read, 0f, kind + ": the same floats as scaling the floats");
      int[] order = {49, 3, 17};
      float[] xb = new float[3 * 7];
      float[] yb = new float[3];
      c.gather(order, 0, 3, xb, yb);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 7; j++) {
          assertEquals(plain[order[i] * 7 + j], xb[i * 7 + j], 0f);
        }
      }
      assertArrayEquals(plain, c.asDataset().x(), 0f);
      Block h = c.head(5);
      assertTrue(h.compact());
      float[] five = new float[35];
      h.copyRows(0, 5, five, 0);
      for (int i = 0; i < 35; i++) {
        assertEquals(plain[i], five[i], 0f);
      }
    }
    assertThrows(IllegalStateException.class, () -> Block.scaled(raw,
        Normalizer.fit(Scaling.NONE, raw.x(), 50, 7)).x());
  }

  /** A value outside 0..255 or with a fraction keeps the block in floats. */
  @Test
  void otherValuesStayFloats() {
    for (float odd : new float[] {256, -1, 0.5f}) {
      Block raw = pixels(10, 3, 2);
      raw.x()[17] = odd;
      Block c = Block.scaled(raw, Normalizer.fit(Scaling.NONE, raw.x(), 10, 3));
      assertFalse(c.compact(), "value " + odd);
      assertEquals(3 * 4 + 4, c.bytesPerRow());
      assertEquals(odd, c.x()[17]);
    }
  }
}
