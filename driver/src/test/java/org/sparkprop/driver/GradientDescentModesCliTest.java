package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.trainer.data.CsvReader;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

/** Online learning (batch 1) and full-batch gradient descent from the command line. */
class GradientDescentModesCliTest {
  private static String[] args(Path d, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of(SparkpropCliTest.trainArgs(d, out,
        "--no-batch-norm", "--dropout", "0", "--val-fraction", "0", "--scaling", "none",
        "--optimizer", "sgd", "--schedule", "constant", "--lr", "0.1", "--epochs", "1")));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  /**
   * 201 training rows on 2 partitions: shards of 101 and 100 rows. One full-batch epoch is one
   * plain SGD step on the mean gradient of all 201 rows, which this test computes on one
   * machine from the same initial parameters.
   */
  @Test
  void fullBatchIsOneStepOverEveryRowOfUnevenShards(@TempDir Path d) throws Exception {
    SparkpropCliTest.writeCsv(d, "train", 201, 1);
    SparkpropCliTest.writeCsv(d, "test", 40, 2);
    Path out = d.resolve("out");
    CliRun run = CliRun.of(args(d, out, "--full-batch", "--partitions", "2"));
    assertEquals(0, run.code(), run.toString());
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    assertEquals(1, m.get("steps").asInt());
    assertEquals(101, m.at("/config/batch").asInt(), "the largest shard");
    assertTrue(m.at("/config/full_batch").asBoolean());

    MlpSpec spec = MlpSpec.of("4-8-2", "relu", "softmax_ce");
    Dataset train;
    try (var v = Files.newInputStream(d.resolve("train_vectors.csv"));
        var l = Files.newInputStream(d.resolve("train_labels.csv"))) {
      train = CsvReader.readPair(v, "v", l, "l", 2);
    }
    Mlp mlp = new Mlp(spec, 201);
    Weights w = mlp.initialise(42);
    float[] g = new float[mlp.paramCount()];
    mlp.lossAndGrad(w.params(), w.state(), train.x(), train.y(), 201, g);
    Model trained = ModelCodec.load(out.resolve("model.spkm"));
    float[] p = trained.params();
    for (int i = 0; i < p.length; i++) {
      float expected = w.params()[i] - 0.1f * g[i] / 201;
      assertEquals(expected, p[i], 1e-5f, "parameter " + i);
    }
  }

  /** Batch 1 on one partition: one step per row, and the blobs are still learned. */
  @Test
  void onlineLearningStepsOncePerRow(@TempDir Path d) throws Exception {
    SparkpropCliTest.writeCsv(d, "train", 120, 3);
    SparkpropCliTest.writeCsv(d, "test", 40, 4);
    Path out = d.resolve("out");
    CliRun run = CliRun.of(args(d, out, "--batch", "1", "--partitions", "1", "--lr", "0.05",
        "--epochs", "3"));
    assertEquals(0, run.code(), run.toString());
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    assertEquals(360, m.get("steps").asInt(), "120 rows, 3 epochs, one row per step");
    assertTrue(m.get("test_accuracy").asDouble() >= 0.95, m.get("test_accuracy").toString());
  }
}
