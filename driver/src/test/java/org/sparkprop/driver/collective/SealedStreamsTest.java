package org.sparkprop.driver.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sealed byte stream: mixed small and large writes come back exactly across frame
 * boundaries, the bytes on the wire are not the plaintext, and a flipped bit, a swapped or
 * dropped frame, a wrong key, a length over the frame size and a cut-off stream are all
 * refused with a message naming the peer.
 */
class SealedStreamsTest {
  private static final byte[] KEY = Hmac.mac(new byte[32], "test key");

  private static byte[] seal(byte[] key, byte[] payload, int... flushAt) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(new SealedStreams.Out(wire, key));
    int from = 0;
    for (int at : flushAt) {
      out.write(payload, from, at - from);
      out.flush();
      from = at;
    }
    out.write(payload, from, payload.length - from);
    out.flush();
    return wire.toByteArray();
  }

  private static byte[] open(byte[] key, byte[] wire, int n) throws IOException {
    DataInputStream in = new DataInputStream(new SealedStreams.In(new ByteArrayInputStream(wire),
        key, "rank 1"));
    byte[] got = new byte[n];
    in.readFully(got);
    return got;
  }

  private static byte[] payload(int n) {
    byte[] b = new byte[n];
    new SplittableRandom(n).nextBytes(b);
    return b;
  }

  @Test
  void writesComeBackExactlyAcrossFrames() throws IOException {
    byte[] p = payload(3 * SealedStreams.FRAME + 17);
    byte[] wire = seal(KEY, p, 1, 5, SealedStreams.FRAME + 9);
    assertArrayEquals(p, open(KEY, wire, p.length));
    // Frames of 1, 4, then FRAME + 4 bytes (two frames), then 2·FRAME + 8 (three): 7 frames of
    // 4 + 16 bytes overhead.
    assertEquals(p.length + 7 * 20, wire.length);
    byte[] head = Arrays.copyOfRange(wire, 4 + 1 + 16 + 4, 4 + 1 + 16 + 4 + 4);
    assertFalse(Arrays.equals(Arrays.copyOfRange(p, 1, 5), head), "plaintext on the wire");
    // Small typed writes, one flush.
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(new SealedStreams.Out(w, KEY));
    out.writeInt(7);
    out.writeUTF("partition 3");
    out.writeDouble(-0.25);
    out.flush();
    DataInputStream in = new DataInputStream(new SealedStreams.In(new ByteArrayInputStream(
        w.toByteArray()), KEY, "rank 1"));
    assertEquals(7, in.readInt());
    assertEquals("partition 3", in.readUTF());
    assertEquals(-0.25, in.readDouble());
    assertEquals(-1, in.read());
  }

  @Test
  void aFlippedBitASwappedFrameOrAWrongKeyIsRefused() throws IOException {
    byte[] p = payload(100);
    byte[] wire = seal(KEY, p, 50);
    byte[] flipped = wire.clone();
    flipped[30] ^= 4;
    assertRefused(KEY, flipped);
    // Two frames of 50 bytes: swapped, each fails the counter nonce.
    int frame = 4 + 50 + 16;
    byte[] swapped = new byte[wire.length];
    System.arraycopy(wire, frame, swapped, 0, frame);
    System.arraycopy(wire, 0, swapped, frame, frame);
    assertRefused(KEY, swapped);
    assertRefused(KEY, Arrays.copyOfRange(wire, frame, wire.length));  // the first dropped
    byte[] other = KEY.clone();
    other[0] ^= 1;
    assertRefused(other, wire);
  }

  private static void assertRefused(byte[] key, byte[] wire) {
    IOException e = assertThrows(IOException.class, () -> open(key, wire, 100));
    assertEquals("a sealed frame from rank 1 failed authentication (tampered with or corrupt)",
        e.getMessage());
  }

  @Test
  void aLengthOverTheFrameSizeAndACutOffStreamAreRefused() throws IOException {
    byte[] huge = ByteBuffer.allocate(8).putInt(SealedStreams.FRAME + 1).array();
    IOException e = assertThrows(IOException.class, () -> open(KEY, huge, 1));
    assertEquals("a sealed frame from rank 1 claims 65537 bytes (at most 65536)",
        e.getMessage());
    byte[] wire = seal(KEY, payload(40));
    assertThrows(EOFException.class, () -> open(KEY, Arrays.copyOf(wire, wire.length - 3), 40));
  }
}
