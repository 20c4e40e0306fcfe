package org.sparkprop.trainer.io;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparkprop.trainer.io.ModelCodec.CorruptModelException;

/**
 * The sparkprop checkpoint file, format version 1 (big-endian, never Java serialization):
 * <pre>
 *   int    magic 0x53504B43 ("SPKC"), int format version (1)
 *   int    epoch, int stepInEpoch, long step
 *   int P, float[P] parameters; int S, float[S] state
 *   int A, A × (int n, float[n]) optimizer state arrays
 *   int M, M × (UTF key, UTF value) metadata, sorted by key (values may exceed 64 KB: written
 *          as int length + UTF-8 bytes)
 *   long   CRC-32 of every byte above
 * </pre>
 */
public final class CheckpointCodec {
  public static final int MAGIC = 0x53504B43;
  public static final int VERSION = 1;

  private CheckpointCodec() {}

  public static byte[] encode(Checkpoint c) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 4 * c.params().length
          * (1 + c.optimizerState().size()));
      DataOutputStream out = Framing.begin(bytes, MAGIC, VERSION);
      out.writeInt(c.epoch());
      out.writeInt(c.stepInEpoch());
      out.writeLong(c.step());
      Framing.writeFloats(out, c.params());
      Framing.writeFloats(out, c.state());
      out.writeInt(c.optimizerState().size());
      for (float[] a : c.optimizerState()) {
        Framing.writeFloats(out, a);
      }
      Map<String, String> meta = new TreeMap<>(c.metadata());
      out.writeInt(meta.size());
      for (Map.Entry<String, String> e : meta.entrySet()) {
        writeText(out, e.getKey());
        writeText(out, e.getValue());
      }
      return Framing.seal(bytes, out);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
  }

  /** Decodes a checkpoint; {@code name} is used in error messages. */
  public static Checkpoint decode(byte[] b, String name) throws IOException {
    DataInputStream in = Framing.open(b, name, MAGIC, VERSION, "checkpoint");
    try {
      int epoch = in.readInt();
      int stepInEpoch = in.readInt();
      long step = in.readLong();
      float[] p = Framing.readFloats(in, name);
      float[] s = Framing.readFloats(in, name);
      int a = in.readInt();
      if (a < 0 || a > 1 << 16) {
        throw new CorruptModelException(name + ": bad optimizer state count " + a);
      }
      List<float[]> opt = new ArrayList<>();
      for (int i = 0; i < a; i++) {
        opt.add(Framing.readFloats(in, name));
      }
      int m = in.readInt();
      Map<String, String> meta = new TreeMap<>();
      for (int i = 0; i < m; i++) {
        meta.put(readText(in, name), readText(in, name));
      }
      if (in.available() != 0) {
        throw new CorruptModelException(name + ": " + in.available()
            + " unexpected trailing bytes");
      }
      if (epoch < 1 || stepInEpoch < 0 || step < 0) {
        throw new CorruptModelException(name + ": bad cursor epoch " + epoch + " step " + step);
      }
      return new Checkpoint(epoch, stepInEpoch, step, p, s, opt, meta);
    } catch (EOFException e) {
      throw new CorruptModelException(name + ": truncated checkpoint");
    }
  }

  private static void writeText(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readText(DataInputStream in, String name) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new CorruptModelException(name + ": text length " + n + " exceeds the file");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
