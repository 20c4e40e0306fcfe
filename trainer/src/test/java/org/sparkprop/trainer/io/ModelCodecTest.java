package org.sparkprop.trainer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
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

  @Test
  void rejectsCorruptionUnknownVersionsAndTruncation() {
    byte[] good = ModelCodec.encode(sample());
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 1;
    assertTrue(assertThrows(ModelCodec.CorruptModelException.class,
        () -> ModelCodec.decode(flipped, "m")).getMessage().contains("checksum"));
    byte[] v2 = good.clone();
    ByteBuffer.wrap(v2).putInt(4, 2);
    assertTrue(assertThrows(ModelCodec.CorruptModelException.class,
        () -> ModelCodec.decode(v2, "m")).getMessage().contains("version 2"));
    byte[] notModel = "hello, this is not a model file".getBytes();
    assertTrue(assertThrows(ModelCodec.CorruptModelException.class,
        () -> ModelCodec.decode(notModel, "m")).getMessage().contains("magic"));
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 20);
    assertThrows(ModelCodec.CorruptModelException.class, () -> ModelCodec.decode(cut, "m"));
  }

  @Test
  void goldenVersion1FileStillLoads() throws Exception {
    // src/test/resources/golden/model-v1.spkm was written by sample() with format version 1.
    // Regenerate only when the format version changes, and keep the old file's test.
    Path golden = Path.of("src/test/resources/golden/model-v1.spkm");
    if (!Files.exists(golden) && Boolean.getBoolean("sparkprop.writeGolden")) {
      Files.createDirectories(golden.getParent());
      ModelCodec.save(sample(), golden);
    }
    Model m = ModelCodec.load(golden);
    Model expected = sample();
    assertEquals(expected.spec(), m.spec());
    assertArrayEquals(expected.params(), m.params());
    assertEquals("ünïcode", m.metadata().get("note"));
  }
}
