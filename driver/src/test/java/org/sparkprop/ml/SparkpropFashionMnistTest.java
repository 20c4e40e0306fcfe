package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.CliRun;
import org.sparkprop.driver.output.Json;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;

/**
 * The Pipeline and the command line train the same model: Fashion-MNIST rows (the first
 * 12,000 training and 2,000 test images, as LibSVM, which both read) on 2 partitions with the
 * same flags and seed give bit-identical parameters and state, and the Pipeline's test
 * accuracy (MulticlassClassificationEvaluator) is the command line's.
 */
@Tag("slow")
class SparkpropFashionMnistTest extends MlSpark {
  private static final int TRAIN = 12_000;
  private static final int TEST = 2_000;
  @TempDir
  static Path dir;
  private static Model cliModel;
  private static double cliAccuracy;

  @BeforeAll
  static void commandLine() throws IOException {
    assumeTrue(FashionMnist.available(FashionMnist.defaultDir()),
        "Fashion-MNIST not found in " + FashionMnist.defaultDir() + ": run scripts/setup.sh");
    org.sparkprop.trainer.data.Dataset[] fm = FashionMnist.load(FashionMnist.defaultDir());
    libsvm(fm[0], TRAIN, dir.resolve("train.libsvm"));
    libsvm(fm[1], TEST, dir.resolve("test.libsvm"));
    // Before the shared session starts: the command line starts (and stops) its own.
    CliRun r = CliRun.of("train", "--master", "local[2]", "--partitions", "2",
        "--train-features", dir.resolve("train.libsvm").toString(),
        "--test-features", dir.resolve("test.libsvm").toString(), "--num-features", "784",
        "--arch", "784-64-10", "--epochs", "2", "--out", dir.resolve("cli").toString());
    assertEquals(0, r.code(), r.toString());
    cliModel = ModelCodec.load(dir.resolve("cli/model.spkm"));
    @SuppressWarnings("unchecked")
    Map<String, Object> metrics = (Map<String, Object>) Json.read(
        Files.readString(dir.resolve("cli/metrics.json")));
    cliAccuracy = ((Number) metrics.get("test_accuracy")).doubleValue();
  }

  /** The first n rows of d as LibSVM lines (label, then 1-based index:value of non-zeros). */
  private static void libsvm(org.sparkprop.trainer.data.Dataset d, int n, Path file)
      throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      int f = d.features();
      StringBuilder b = new StringBuilder();
      for (int r = 0; r < n; r++) {
        b.setLength(0);
        b.append((int) d.y()[r]);
        for (int j = 0; j < f; j++) {
          float v = d.x()[r * f + j];
          if (v != 0) {
            b.append(' ').append(j + 1).append(':').append((int) v);
          }
        }
        w.write(b.append('\n').toString());
      }
    }
  }

  @Test
  void thePipelineTrainsTheCommandLinesModel() {
    Dataset<Row> train = spark().read().format("libsvm").option("numFeatures", "784")
        .load(dir.resolve("train.libsvm").toString());
    Dataset<Row> test = spark().read().format("libsvm").option("numFeatures", "784")
        .load(dir.resolve("test.libsvm").toString());
    SparkpropClassifier mlp = new SparkpropClassifier().setLayers(new int[] {784, 64, 10})
        .setEpochs(2).setPartitions(2);
    PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {mlp}).fit(train);
    Model m = ((SparkpropClassificationModel) pm.stages()[0]).model();
    assertArrayEquals(cliModel.params(), m.params());
    assertArrayEquals(cliModel.state(), m.state());
    assertArrayEquals(cliModel.normalizer().scale(), m.normalizer().scale());
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(pm.transform(test));
    assertEquals(cliAccuracy, accuracy, 1e-12);
    Assertions.assertTrue(accuracy > 0.75, "accuracy " + accuracy);
  }
}
