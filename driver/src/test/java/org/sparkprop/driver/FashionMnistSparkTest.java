package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.trainer.data.FashionMnist;

/**
 * End to end on real data: the README's main job (default flags) in local Spark with 2
 * partitions trains Fashion-MNIST to ≥ 89 % test accuracy and writes every output.
 * CI installs the data set (scripts/setup.sh); elsewhere the test is skipped, visibly.
 */
@Tag("slow")
class FashionMnistSparkTest {
  @Test
  void defaultMainJobReaches89Percent(@TempDir Path dir) throws Exception {
    assumeTrue(FashionMnist.available(FashionMnist.defaultDir()),
        "Fashion-MNIST not found in " + FashionMnist.defaultDir() + ": run scripts/setup.sh");
    Path out = dir.resolve("out");
    long t0 = System.nanoTime();
    assertEquals(0, SparkpropCli.run("train", "--out", out.toString(), "--master", "local[2]",
        "--partitions", "2"));
    double secs = (System.nanoTime() - t0) / 1e9;
    for (String f : List.of("model.spkm", "metrics.json", "metrics.csv", "report.html",
        "loss.png", "accuracy.png", "test_predictions.csv", "train_predictions.csv")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertEquals(10_000, Files.readAllLines(out.resolve("test_predictions.csv")).size());
    assertEquals(60_000, Files.readAllLines(out.resolve("train_predictions.csv")).size());
    double acc = TestJson.read(out.resolve("metrics.json")).get("test_accuracy").asDouble();
    System.out.printf("Fashion-MNIST on Spark local[2]: test accuracy %.4f in %.0f s%n", acc,
        secs);
    assertTrue(acc >= 0.89, "test accuracy " + acc + " < 0.89");
    // Pixels are cached as bytes: 784 features and one 4-byte target per row.
    assertEquals(784 + 4, TestJson.read(out.resolve("metrics.json")).get("shard_bytes_per_row")
        .asInt());
  }
}
