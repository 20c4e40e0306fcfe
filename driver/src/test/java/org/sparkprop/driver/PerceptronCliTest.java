package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * The lecture notes' perceptron from the command line: the rule learns AND and separable label
 * sets, cannot learn XOR, and XOR built by hand from two layers of step units is evaluated
 * right.
 */
class PerceptronCliTest {
  private static final Path XOR = Path.of("..", "examples", "xor").toAbsolutePath().normalize();

  private static CliRun perceptron(Path out, Path vectors, Path labels, String... extra) {
    List<String> a = new ArrayList<>(List.of("perceptron", "--out", out.toString(),
        "--train-features", vectors.toString(), "--train-labels", labels.toString(),
        "--test-features", vectors.toString(), "--test-labels", labels.toString(),
        "--arch", "2-1", "--classes", "2", "--master", "local[2]", "--partitions", "1"));
    a.addAll(List.of(extra));
    return CliRun.of(a.toArray(new String[0]));
  }

  @Test
  void learnsAndButNotXor(@TempDir Path d) throws Exception {
    Path and = d.resolve("and_labels.csv");
    Files.writeString(and, "0\n0\n0\n1\n");
    Path out = d.resolve("and");
    CliRun run = perceptron(out, XOR.resolve("xor_vectors.csv"), and);
    assertEquals(0, run.code(), run.toString());
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    assertTrue(m.get("converged").asBoolean(), m.toString());
    assertEquals(1.0, m.get("test_accuracy").asDouble());
    assertEquals(List.of("0", "0", "0", "1"), Files.readAllLines(out.resolve(
        "test_predictions.csv")));
    // The saved model is an ordinary model: evaluate applies it.
    CliRun eval = CliRun.of("evaluate", "--model", out.toString(), "--features",
        XOR.resolve("xor_vectors.csv").toString(), "--labels", and.toString(), "--master",
        "local[1]");
    assertEquals(0, eval.code(), eval.toString());
    assertEquals(1.0, TestJson.parse(eval.out()).get("accuracy").asDouble());

    Path xorOut = d.resolve("xor");
    CliRun xor = perceptron(xorOut, XOR.resolve("xor_vectors.csv"),
        XOR.resolve("xor_labels.csv"), "--epochs", "50");
    assertEquals(0, xor.code(), xor.toString());
    JsonNode x = TestJson.read(xorOut.resolve("metrics.json"));
    assertFalse(x.get("converged").asBoolean(), "no line separates XOR");
    assertEquals(50, x.get("epochs_run").asInt());
    assertTrue(x.get("test_accuracy").asDouble() <= 0.75, x.toString());
  }

  @Test
  void refusesHiddenLayersAndRealTargets(@TempDir Path d) {
    CliRun hidden = perceptron(d.resolve("a"), XOR.resolve("xor_vectors.csv"),
        XOR.resolve("xor_labels.csv"), "--arch", "2-3-1");
    assertEquals(2, hidden.code(), hidden.toString());
    assertEquals("--arch 2-3-1: a perceptron is one layer of step units, inputs-outputs (e.g. "
        + "784-10); hidden layers are trained with train", hidden.error());
    CliRun real = perceptron(d.resolve("b"), XOR.resolve("xor_vectors.csv"),
        XOR.resolve("xor_labels.csv"), "--task", "regression");
    assertEquals(2, real.code(), real.toString());
    assertEquals("--task regression: step units output 0 or 1; fit real targets with train "
        + "--task regression", real.error());
    assertFalse(Files.exists(d.resolve("a")) || Files.exists(d.resolve("b")), "nothing written");
  }

  /** Two labels with a margin (x1 > 0, x2 > 0 away from the axes): the rule separates both. */
  @Test
  void learnsSeparableLabelSets(@TempDir Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(4);
    StringBuilder v = new StringBuilder();
    StringBuilder l = new StringBuilder();
    int n = 0;
    while (n < 200) {
      double a = r.nextDouble(-1, 1);
      double b = r.nextDouble(-1, 1);
      if (Math.abs(a) < 0.1 || Math.abs(b) < 0.1) {
        continue;
      }
      v.append(String.format(Locale.ROOT, "%.4f,%.4f%n", a, b));
      l.append(a > 0 ? 1 : 0).append(',').append(b > 0 ? 1 : 0).append('\n');
      n++;
    }
    Files.writeString(d.resolve("v.csv"), v);
    Files.writeString(d.resolve("l.csv"), l);
    Path out = d.resolve("out");
    CliRun run = perceptron(out, d.resolve("v.csv"), d.resolve("l.csv"), "--task",
        "multilabel", "--arch", "2-2", "--partitions", "2");
    assertEquals(0, run.code(), run.toString());
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    assertTrue(m.get("converged").asBoolean(), m.toString());
    assertEquals(1.0, m.get("test_subset_accuracy").asDouble());
  }

  /**
   * XOR from step units, as the notes build it: h1 = step(x1 + x2 − ½) (OR), h2 = step(x1 +
   * x2 − 3/2) (AND), output step(h1 − 2·h2 − ½) (a sigmoid read at ½ is that step). Saved as
   * a model, evaluated by the command line: all four rows right; train refuses step units.
   */
  @Test
  void evaluatesXorBuiltFromStepUnits(@TempDir Path d) throws Exception {
    MlpSpec spec = new MlpSpec(new int[] {2, 2, 1}, List.of(Activation.STEP),
        LossKind.SIGMOID_BCE, 0, false, Init.AUTO, Task.CLASSIFICATION);
    float[] p = {1, 1, 1, 1, -0.5f, -1.5f, 1, -2, -0.5f};
    Path file = d.resolve("xor.spkm");
    ModelCodec.save(new Model(spec, Normalizer.fit(Scaling.NONE, new float[2], 1, 2), p,
        new float[0], Map.of()), file);
    CliRun eval = CliRun.of("evaluate", "--model", file.toString(), "--features",
        XOR.resolve("xor_vectors.csv").toString(), "--labels",
        XOR.resolve("xor_labels.csv").toString(), "--master", "local[1]");
    assertEquals(0, eval.code(), eval.toString());
    assertEquals(1.0, TestJson.parse(eval.out()).get("accuracy").asDouble(), eval.out());
    Path pred = d.resolve("pred.csv");
    assertEquals(0, SparkpropCli.run("predict", "--model", file.toString(), "--features",
        XOR.resolve("xor_vectors.csv").toString(), "--output", pred.toString(), "--master",
        "local[1]"));
    assertEquals(List.of("0", "1", "1", "0"), Files.readAllLines(pred));
  }
}
