package org.sparkprop.trainer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.io.ModelCodec.CorruptModelException;

/** The checkpoint format: round trip, a committed version-1 file, and every kind of damage. */
class CheckpointCodecTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/checkpoint-v1.spkc");

  /** Literal content (no random numbers). */
  static Checkpoint sample() {
    return new Checkpoint(3, 5, 47, new float[] {1.5f, -2f, 0.25f, Float.MIN_VALUE},
        new float[] {0.5f, 2f}, List.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f},
            new float[] {1f, 2f, 3f, 4f}),
        Map.of("partitions", "2", "history", "1,0.5\n2,0.25\n", "note", "ünïcode"));
  }

  static void assertSame(Checkpoint expected, Checkpoint c) {
    assertEquals(expected.epoch(), c.epoch());
    assertEquals(expected.stepInEpoch(), c.stepInEpoch());
    assertEquals(expected.step(), c.step());
    assertArrayEquals(expected.params(), c.params());
    assertArrayEquals(expected.state(), c.state());
    assertEquals(expected.optimizerState().size(), c.optimizerState().size());
    for (int i = 0; i < c.optimizerState().size(); i++) {
      assertArrayEquals(expected.optimizerState().get(i), c.optimizerState().get(i));
    }
    assertEquals(expected.metadata(), c.metadata());
  }

  @Test
  void roundTripsExactly() throws Exception {
    byte[] b = CheckpointCodec.encode(sample());
    assertSame(sample(), CheckpointCodec.decode(b, "c"));
    assertArrayEquals(b, CheckpointCodec.encode(CheckpointCodec.decode(b, "c")));
    // A metadata value longer than DataOutput.writeUTF's 64 KB limit (a long history).
    Checkpoint s = sample();
    Checkpoint big = new Checkpoint(s.epoch(), s.stepInEpoch(), s.step(), s.params(), s.state(),
        s.optimizerState(), Map.of("history", "x".repeat(70_000)));
    assertSame(big, CheckpointCodec.decode(CheckpointCodec.encode(big), "big"));
  }

  /**
   * checkpoint-v1.spkc was written once from sample() by format version 1 and is never
   * regenerated; a later build must read it unchanged (and, while the format is version 1,
   * write the same bytes).
   */
  @Test
  void goldenVersion1FileStillLoads() throws Exception {
    byte[] golden = Files.readAllBytes(GOLDEN);
    assertSame(sample(), CheckpointCodec.decode(golden, "golden"));
    assertArrayEquals(golden, CheckpointCodec.encode(sample()));
  }

  @Test
  void rejectsDamageNamingTheFile() throws Exception {
    byte[] good = CheckpointCodec.encode(sample());
    byte[] flipped = good.clone();
    flipped[40] ^= 1;
    assertEquals("ck: checksum mismatch (file corrupt or truncated)", error(flipped));
    assertEquals("ck: checksum mismatch (file corrupt or truncated)",
        error(Arrays.copyOf(good, good.length - 1)));
    assertEquals("ck: checkpoint format version 2 is not supported (this build reads version 1)",
        error(sealed(withInt(good, 4, 2))));
    assertEquals("ck: not a sparkprop checkpoint (magic 0x53504B4D, expected 0x53504B43)",
        error(ModelCodec.encode(ModelCodecTest.sample())));
    assertEquals("ck: 5 bytes is too short for a checkpoint", error(new byte[5]));
    // Consistent checksums over inconsistent content: lengths past the end, a bad cursor,
    // trailing bytes.
    assertEquals("ck: array length 1000000 exceeds the file",
        error(sealed(withInt(good, 24, 1_000_000))));
    assertEquals("ck: bad cursor epoch 0 step 47", error(sealed(withInt(good, 8, 0))));
    byte[] longer = Arrays.copyOf(good, good.length + 4);
    System.arraycopy(good, good.length - 8, longer, longer.length - 8, 8);
    assertEquals("ck: 4 unexpected trailing bytes", error(sealed(longer)));
  }

  private static String error(byte[] b) {
    return assertThrows(CorruptModelException.class, () -> CheckpointCodec.decode(b, "ck"))
        .getMessage();
  }

  private static byte[] withInt(byte[] b, int at, int v) {
    byte[] c = b.clone();
    ByteBuffer.wrap(c).putInt(at, v);
    return c;
  }

  /** b with its trailing CRC-32 recomputed over everything before it. */
  private static byte[] sealed(byte[] b) {
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 8);
    byte[] c = b.clone();
    ByteBuffer.wrap(c).putLong(c.length - 8, crc.getValue());
    return c;
  }

  /** Writes the golden file; run once by hand when a new format version is introduced. */
  public static void main(String[] args) throws Exception {
    Files.write(GOLDEN, CheckpointCodec.encode(sample()));
  }
}
