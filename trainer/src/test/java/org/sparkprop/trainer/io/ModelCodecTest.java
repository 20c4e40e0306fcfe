package org.sparkprop.trainer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

class ModelCodecTest {
  static Model sample() {
    MlpSpec spec = MlpSpec.of("5-4-3-2", "leaky_relu:0.1", "softmax_ce").withBatchNorm(true)
        .withDropout(0.25);
    Mlp mlp = new Mlp(spec, 1);
    Weights ps = mlp.initialise(77);
    ps.state()[0] = 0.125f;
    float[] x = {0, 1, 2, 3, 4, 9, 8, 7, 6, 5};
    return new Model(spec, Normalizer.fit(Scaling.STANDARDIZE, x, 2, 5), ps.params(), ps.state(),
        Map.of("seed", "77", "note", "ünïcode"));
  }

  @Test
  void roundTripsExactly(@TempDir Path dir) throws Exception {
    Model m = sample();
    Path f = dir.resolve("model.spkm");
    ModelCodec.save(m, f);
    Model back = ModelCodec.load(f);
    assertEquals(m.spec(), back.spec());
    assertArrayEquals(m.params(), back.params());
    assertArrayEquals(m.state(), back.state());
    assertArrayEquals(m.normalizer().shift(), back.normalizer().shift());
    assertArrayEquals(m.normalizer().scale(), back.normalizer().scale());
    assertEquals(m.metadata(), back.metadata());
    assertArrayEquals(ModelCodec.encode(m), Files.readAllBytes(f));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }

  /** The task travels in the file: a regression or multi-label model loads as one. */
  @Test
  void theTaskRoundTrips() throws Exception {
    for (Task t : Task.values()) {
      LossKind loss = t.defaultLoss(3);
      MlpSpec spec = MlpSpec.of("4-3", "relu", loss.toString()).withTask(t);
      Mlp mlp = new Mlp(spec, 1);
      Weights ps = mlp.initialise(1);
      Model m = new Model(spec, Normalizer.fit(Scaling.NONE, new float[4], 1, 4), ps.params(),
          ps.state(), Map.of());
      assertEquals(t, ModelCodec.decode(ModelCodec.encode(m), "m").spec().task());
    }
    MlpSpec oneHot = MlpSpec.of("4-3", "relu", "sigmoid_mse").withTask(Task.CLASSIFICATION);
    Weights ps = new Mlp(oneHot, 1).initialise(1);
    Model m = new Model(oneHot, Normalizer.fit(Scaling.NONE, new float[4], 1, 4), ps.params(),
        ps.state(), Map.of());
    assertEquals(oneHot, ModelCodec.decode(ModelCodec.encode(m), "m").spec());
  }

  @Test
  void rejectsCorruptionUnknownVersionsAndTruncation() {
    byte[] good = ModelCodec.encode(sample());
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 1;
    assertTrue(assertThrows(ModelCodec.CorruptModelException.class,
        () -> ModelCodec.decode(flipped, "m")).getMessage().contains("checksum"));
    byte[] v3 = good.clone();
    ByteBuffer.wrap(v3).putInt(4, 3);
    assertEquals("m: model format version 3 is not supported (this build reads version 1 to 2)",
        assertThrows(ModelCodec.CorruptModelException.class,
            () -> ModelCodec.decode(v3, "m")).getMessage());
    byte[] notModel = "hello, this is not a model file".getBytes();
    assertTrue(assertThrows(ModelCodec.CorruptModelException.class,
        () -> ModelCodec.decode(notModel, "m")).getMessage().contains("magic"));
    byte[] cut = Arrays.copyOf(good, good.length - 20);
    assertThrows(ModelCodec.CorruptModelException.class, () -> ModelCodec.decode(cut, "m"));
  }

  /**
   * src/test/resources/golden/model-v1.spkm, written once by an early build with format
   * version 1 and never regenerated: it must keep loading, with the same numbers, and predict
   * the same. The expected values are literals, so a change of the initialisation or of the
   * random streams cannot hide a format change.
   */
  @Test
  void goldenVersion1FileStillLoadsAndPredictsTheSame() throws Exception {
    Model m = ModelCodec.load(Path.of("src/test/resources/golden/model-v1.spkm"));
    assertEquals(new MlpSpec(new int[] {5, 4, 3, 2}, List.of(Activation.parse("leaky_relu:0.1")),
        LossKind.SOFTMAX_CE, 0.25, true, Init.AUTO), m.spec());
    assertEquals(54, m.params().length);
    assertEquals("b745aa54021b643c458aaca724ea0a84fd0b409ae9b23d145fb6126e9fe75bc1",
        sha256(m.params()));
    assertArrayEquals(new float[] {0.125f, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1}, m.state());
    assertEquals("standardize", m.normalizer().kind());
    assertArrayEquals(new float[] {4.5f, 4.5f, 4.5f, 4.5f, 4.5f}, m.normalizer().shift());
    assertArrayEquals(new float[] {2f / 9, 2f / 7, 0.4f, 2f / 3, 2f}, m.normalizer().scale(),
        1e-7f);
    assertEquals(Map.of("seed", "77", "note", "ünïcode"), m.metadata());
    float[] x = {0, 1, 2, 3, 4, 9, 8, 7, 6, 5};
    m.normalizer().apply(x, 2);
    float[] out = new float[4];
    new Mlp(m.spec(), 2).predict(m.params(), m.state(), x, 2, out);
    assertArrayEquals(new float[] {0.2679732f, 0.73202676f, 0.38667405f, 0.61332595f}, out,
        1e-6f);
  }

  /**
   * src/test/resources/golden/model-v2.spkm, written once when format version 2 (the task)
   * came: a multi-label network with sigmoid outputs and squared error. It must keep loading
   * as what it is and predict the same.
   */
  @Test
  void goldenVersion2FileStillLoadsAndPredictsTheSame() throws Exception {
    Model m = ModelCodec.load(Path.of("src/test/resources/golden/model-v2.spkm"));
    assertEquals(MlpSpec.of("3-4-2", "tanh", "sigmoid_mse").withTask(Task.MULTILABEL)
        .withDropout(0.1), m.spec());
    assertEquals(Task.MULTILABEL, m.spec().task());
    assertEquals("08374bc9efe7a103daf3a407ebf8323dd27a7823aa5c58ea19594d9b517155be",
        sha256(m.params()));
    assertEquals(Map.of("threshold", "0.4"), m.metadata());
    float[] x = {0, 1, 2, 5, 4, 3};
    m.normalizer().apply(x, 2);
    float[] out = new float[4];
    new Mlp(m.spec(), 2).predict(m.params(), m.state(), x, 2, out);
    assertArrayEquals(new float[] {0.47929263f, 0.6375442f, 0.52070737f, 0.36245582f}, out,
        1e-6f);
  }

  static String sha256(float[] a) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(4 * a.length);
    b.asFloatBuffer().put(a);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
  }
}
