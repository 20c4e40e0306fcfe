package org.sparkprop.trainer.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.sparkprop.trainer.io.ModelCodec.CorruptModelException;

/**
 * The frame shared by our binary files: int magic, int version, body, long CRC-32 of every byte
 * before it (big-endian). Float arrays are an int count and the raw floats.
 */
final class Framing {
  private Framing() {}

  /** Starts a frame: returns the stream to write the body to. */
  static DataOutputStream begin(ByteArrayOutputStream bytes, int magic, int version)
      throws IOException {
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(version);
    return out;
  }

  /** Ends a frame: appends the checksum and returns the whole file. */
  static byte[] seal(ByteArrayOutputStream bytes, DataOutputStream out) throws IOException {
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    return bytes.toByteArray();
  }

  /**
   * Checks magic, version and checksum; returns a stream over the body.
   *
   * @throws CorruptModelException naming the file and what is wrong
   */
  static DataInputStream open(byte[] b, String name, int magic, int version, String what)
      throws CorruptModelException {
    return open(b, name, magic, version, version, what);
  }

  /** As above, accepting any version in [oldest, newest]; {@link #version} tells which. */
  static DataInputStream open(byte[] b, String name, int magic, int oldest, int newest,
      String what) throws CorruptModelException {
    if (b.length < 16) {
      throw new CorruptModelException(name + ": " + b.length + " bytes is too short for a "
          + what);
    }
    ByteBuffer head = ByteBuffer.wrap(b);
    int m = head.getInt();
    if (m != magic) {
      throw new CorruptModelException(String.format(
          "%s: not a sparkprop %s (magic 0x%08X, expected 0x%08X)", name, what, m, magic));
    }
    int v = head.getInt();
    if (v < oldest || v > newest) {
      throw new CorruptModelException(name + ": " + what + " format version " + v
          + " is not supported (this build reads version " + (oldest == newest ? "" + newest
          : oldest + " to " + newest) + ")");
    }
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 8);
    long stored = ByteBuffer.wrap(b, b.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new CorruptModelException(name + ": checksum mismatch (file corrupt or truncated)");
    }
    return new DataInputStream(new ByteArrayInputStream(b, 8, b.length - 16));
  }

  /** The format version of a file {@link #open} accepted. */
  static int version(byte[] b) {
    return ByteBuffer.wrap(b, 4, 4).getInt();
  }

  static void writeFloats(DataOutputStream out, float[] x) throws IOException {
    out.writeInt(x.length);
    ByteBuffer buf = ByteBuffer.allocate(4 * x.length);
    buf.asFloatBuffer().put(x);
    out.write(buf.array());
  }

  static float[] readFloats(DataInputStream in, String name) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available() / 4) {
      throw new CorruptModelException(name + ": array length " + n + " exceeds the file");
    }
    byte[] raw = new byte[4 * n];
    in.readFully(raw);
    float[] x = new float[n];
    ByteBuffer.wrap(raw).asFloatBuffer().get(x);
    return x;
  }
}
