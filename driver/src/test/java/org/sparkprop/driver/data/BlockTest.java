package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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

  /** bfloat16 rounding by hand: the top 16 bits, to nearest, ties to even. */
  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3F80, Block.bf16(1f));
    assertEquals(1f, Block.widen(Block.bf16(1f)));
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1).
    assertEquals(1f, Block.widen(Block.bf16(1f + 0x1p-8f)));
    // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
    assertEquals(1f + 0x1p-6f, Block.widen(Block.bf16(1f + 3 * 0x1p-8f)));
    // Just above the half rounds up.
    assertEquals(1f + 0x1p-7f, Block.widen(Block.bf16(1f + 0x1p-8f + 0x1p-20f)));
    assertEquals(-2.5f, Block.widen(Block.bf16(-2.5f)));
    assertEquals(0f, Block.widen(Block.bf16(0f)));
  }

  /** bf16 storage: non-byte features as 2-byte halves, read back within 2^-8 relative. */
  @Test
  void bf16HoldsOtherValuesInHalfTheBytes() {
    SplittableRandom r = new SplittableRandom(3);
    int rows = 40;
    int f = 6;
    float[] x = new float[rows * f];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 30 + 7);
    }
    Block raw = new Block(x, new float[rows], rows, f, 1);
    Normalizer norm = Normalizer.fit(Scaling.STANDARDIZE, x, rows, f);
    Block h = Block.scaled(raw, norm, Storage.BF16);
    assertTrue(h.half());
    assertFalse(h.compact());
    assertEquals(2 * f + 4, h.bytesPerRow());
    float[] plain = x.clone();
    norm.apply(plain, rows);
    float[] read = new float[plain.length];
    h.copyRows(0, rows, read, 0);
    boolean someDiffer = false;
    for (int i = 0; i < plain.length; i++) {
      assertEquals(plain[i], read[i], Math.abs(plain[i]) * 0x1p-8f, "feature " + i);
      assertEquals(Block.widen(Block.bf16(plain[i])), read[i], 0f);
      someDiffer |= plain[i] != read[i];
    }
    assertTrue(someDiffer, "bf16 is lossy for these values");
    float[] xb = new float[2 * f];
    h.gather(new int[] {39, 0}, 0, 2, xb, new float[2]);
    for (int j = 0; j < f; j++) {
      assertEquals(read[39 * f + j], xb[j], 0f);
      assertEquals(read[j], xb[f + j], 0f);
    }
    Block head = h.head(3);
    assertTrue(head.half());
    assertArrayEquals(Arrays.copyOf(read, 3 * f), head.asDataset().x(), 0f);
    assertThrows(IllegalStateException.class, h::x);
    // Pixels stay bytes (lossless) under bf16; float32 keeps them floats.
    Block px = pixels(10, 3, 4);
    Normalizer pn = Normalizer.fit(Scaling.NONE, px.x(), 10, 3);
    assertTrue(Block.scaled(px, pn, Storage.BF16).compact());
    Block fl = Block.scaled(px, pn, Storage.FLOAT32);
    assertFalse(fl.compact() || fl.half());
    assertEquals(3 * 4 + 4, fl.bytesPerRow());
  }

  /** Raw byte blocks read out their values; scaling shares the bytes, float32 widens them. */
  @Test
  void rawBytesScaleToThePlainFormsFloats() {
    Block plain = pixels(20, 5, 6);
    Block raw = Block.packed(plain.x().clone(), plain.y(), 20, 5, 1);
    assertTrue(raw.compact());
    assertEquals(5 + 4, raw.bytesPerRow());
    float[] read = new float[100];
    raw.copyRows(0, 20, read, 0);
    assertArrayEquals(plain.x(), read, 0f);
    assertThrows(IllegalStateException.class, raw::x);
    Normalizer norm = Normalizer.fit(Scaling.STANDARDIZE, plain.x(), 20, 5);
    for (Storage s : Storage.values()) {
      Block a = Block.scaled(plain, norm, s);
      Block b = Block.scaled(raw, norm, s);
      assertEquals(a.compact(), b.compact(), s.toString());
      assertEquals(s != Storage.FLOAT32, b.compact(), s.toString());
      assertArrayEquals(a.asDataset().x(), b.asDataset().x(), 0f, s.toString());
      if (b.compact()) {
        assertThrows(IllegalStateException.class, () -> Block.scaled(b, norm, s));
      }
    }
    float[] odd = plain.x().clone();
    odd[3] = 2.5f;
    assertFalse(Block.packed(odd, plain.y(), 20, 5, 1).compact());
  }
}
