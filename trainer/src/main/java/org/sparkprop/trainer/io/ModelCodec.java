package org.sparkprop.trainer.io;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * The sparkprop model file, format version 2 (big-endian, never Java serialization):
 * <pre>
 *   int    magic 0x53504B4D ("SPKM")
 *   int    format version (2)
 *   UTF    architecture ("784-256-128-10"), UTF hidden activations (comma-separated),
 *   UTF    loss, double dropout, boolean batch norm, UTF init
 *   UTF    task (classification, regression, multilabel)
 *   UTF    scaling kind, int F, float[F] shift, float[F] scale
 *   int    P, float[P] parameters;  int S, float[S] state
 *   int    M, M × (UTF key, UTF value) metadata, sorted by key
 *   long   CRC-32 of every byte above
 * </pre>
 * Version 1 is version 2 without the task, which its loss implies ({@link Task#impliedBy}).
 * Loading rejects a wrong magic, an unknown version, a bad checksum, truncation, trailing
 * bytes, and parameter counts that do not match the architecture.
 */
public final class ModelCodec {
  public static final int MAGIC = 0x53504B4D;
  public static final int VERSION = 2;
  private static final int OLDEST = 1;

  private ModelCodec() {}

  public static byte[] encode(Model m) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * m.params().length);
      DataOutputStream out = Framing.begin(bytes, MAGIC, VERSION);
      MlpSpec s = m.spec();
      out.writeUTF(s.arch());
      List<String> acts = new ArrayList<>();
      for (Activation a : s.hidden()) {
        acts.add(a.toString());
      }
      out.writeUTF(String.join(",", acts));
      out.writeUTF(s.loss().toString());
      out.writeDouble(s.dropout());
      out.writeBoolean(s.batchNorm());
      out.writeUTF(s.init().name());
      out.writeUTF(s.task().toString());
      out.writeUTF(m.normalizer().kind());
      Framing.writeFloats(out, m.normalizer().shift());
      Framing.writeFloats(out, m.normalizer().scale());
      Framing.writeFloats(out, m.params());
      Framing.writeFloats(out, m.state());
      Map<String, String> meta = new TreeMap<>(m.metadata());
      out.writeInt(meta.size());
      for (Map.Entry<String, String> e : meta.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      return Framing.seal(bytes, out);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
  }

  public static void write(Model m, OutputStream os) throws IOException {
    os.write(encode(m));
  }

  /**
   * Writes the model to a local file atomically: a temporary file beside it, then a rename, so
   * a reader never sees a half-written model.
   */
  public static void save(Model m, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.write(tmp, encode(m));
      try {
        // createTempFile makes the file private (0600); a model is an ordinary output file.
        Files.setPosixFilePermissions(tmp,
            PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default permissions
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static Model load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  public static Model read(InputStream in, String name) throws IOException {
    return decode(in.readAllBytes(), name);
  }

  public static Model decode(byte[] b, String name) throws IOException {
    DataInputStream in = Framing.open(b, name, MAGIC, OLDEST, VERSION, "model");
    try {
      String arch = in.readUTF();
      String acts = in.readUTF();
      String loss = in.readUTF();
      double dropout = in.readDouble();
      boolean bn = in.readBoolean();
      Init init = Init.valueOf(in.readUTF());
      Task task = Framing.version(b) >= 2 ? Task.parse(in.readUTF()) : null;
      List<Activation> hidden = new ArrayList<>();
      if (!acts.isEmpty()) {
        for (String a : acts.split(",")) {
          hidden.add(Activation.parse(a));
        }
      }
      MlpSpec spec = new MlpSpec(MlpSpec.parseSizes(arch), hidden, LossKind.parse(loss),
          dropout, bn, init, task);
      String kind = in.readUTF();
      Normalizer norm = new Normalizer(kind, Framing.readFloats(in, name),
          Framing.readFloats(in, name));
      float[] params = Framing.readFloats(in, name);
      float[] state = Framing.readFloats(in, name);
      int nm = in.readInt();
      Map<String, String> meta = new TreeMap<>();
      for (int i = 0; i < nm; i++) {
        meta.put(in.readUTF(), in.readUTF());
      }
      if (in.available() != 0) {
        throw new CorruptModelException(name + ": " + in.available()
            + " unexpected trailing bytes");
      }
      Mlp shape = new Mlp(spec, 1, Kernels.newGemm("java"));
      if (params.length != shape.paramCount() || state.length != shape.stateLayout().total()
          || norm.shift().length != spec.inputs()) {
        throw new CorruptModelException(name + ": parameter counts do not match architecture "
            + arch);
      }
      return new Model(spec, norm, params, state, meta);
    } catch (EOFException | IllegalArgumentException e) {
      throw new CorruptModelException(name + ": malformed model: " + e.getMessage());
    }
  }

  /** A model file that is not a valid sparkprop model of a supported version. */
  public static final class CorruptModelException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptModelException(String message) {
      super(message);
    }
  }
}
