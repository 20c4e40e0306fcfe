package org.sparkprop.driver.cli;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.model.MlpSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkprop inspect}: what a saved model holds, as JSON, without starting Spark. The
 * SHA-256 of the parameters and of the state (over their float values as the model file stores
 * them, big-endian) tell whether two models are the same numbers whatever their metadata.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "What a saved model holds, as JSON: architecture, scaling, parameter and "
        + "state counts with SHA-256 checksums, metadata.")
public final class InspectCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "URI", description = "a model "
      + "file, or a published train output folder")
  String model;

  @Override
  public Integer call() throws Exception {
    Fs fs = Fs.local();
    String file = fs.modelFile(model);
    byte[] bytes = fs.readAll(file);
    Model m = ModelCodec.decode(bytes, Fs.redact(file));
    MlpSpec s = m.spec();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("file", Fs.redact(file));
    r.put("format_version", ByteBuffer.wrap(bytes, 4, 4).getInt());
    r.put("arch", s.arch());
    r.put("activation", s.hidden().toString());
    r.put("task", s.task().toString());
    r.put("loss", s.loss().toString());
    r.put("dropout", s.dropout());
    r.put("batch_norm", s.batchNorm());
    r.put("init", s.init().name().toLowerCase(Locale.ROOT));
    r.put("scaling", m.normalizer().kind());
    r.put("parameters", m.params().length);
    r.put("parameters_sha256", sha256(m.params()));
    r.put("state", m.state().length);
    r.put("state_sha256", sha256(m.state()));
    r.put("metadata", m.metadata());
    System.out.print(Json.write(r));
    return 0;
  }

  /** SHA-256 of a's values as big-endian floats, in hex. */
  static String sha256(float[] a) throws NoSuchAlgorithmException {
    ByteBuffer b = ByteBuffer.allocate(4 * a.length);
    b.asFloatBuffer().put(a);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
  }
}
