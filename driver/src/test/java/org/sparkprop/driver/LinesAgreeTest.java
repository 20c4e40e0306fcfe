package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;

/**
 * Results do not depend on the Spark line: the default run (one epoch of it) trained in this
 * JVM, on the line this build is for, and by the other line's build in its own JVM, gives
 * bit-identical parameters and state. The arithmetic is the trainer's; Spark only places the
 * rows, and both lines must place them the same. Runs where the other line has been built
 * (.ci/run builds the default line first, then this test runs on the Spark 3.5 line).
 */
class LinesAgreeTest {
  private static final Path ROOT = Paths.get(System.getProperty("sparkprop.root", ".."))
      .toAbsolutePath().normalize();

  @Test
  void theDefaultRunGivesTheSameBitsOnBothSparkLines(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(FashionMnist.available(FashionMnist.defaultDir()),
        "Fashion-MNIST is not installed (scripts/setup.sh)");
    Path other = Paths.get(System.getProperty("sparkprop.otherLineBuild", "/nonexistent"));
    Path jar = otherJar(other);
    Assumptions.assumeTrue(jar != null && Files.isDirectory(other.resolve("lib")),
        "the other Spark line is not built in " + other + " (mvn install -DskipTests, with or "
        + "without -Pspark3.5)");
    String[] train = {"train", "--epochs", "1", "--no-train-predictions"};

    Path here = dir.resolve("here");
    CliRun run = CliRun.of(concat(train, "--out", here.toString()));
    assertEquals(0, run.code(), run.toString());

    Path there = dir.resolve("there");
    List<String> cmd = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + other.resolve("jvm.args"), "-Xmx3g",
        "-Dlog4j2.configurationFile=" + ROOT.resolve("cluster-configs/log4j2.properties"),
        "-cp", jar + File.pathSeparator + other.resolve("lib") + File.separator + "*",
        "org.sparkprop.driver.SparkpropCli"));
    cmd.addAll(List.of(concat(train, "--out", there.toString())));
    Path log = dir.resolve("other-line.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the other line's run timed out");
    assertEquals(0, p.exitValue(), Files.readString(log));

    Model a = ModelCodec.load(here.resolve("model.spkm"));
    Model b = ModelCodec.load(there.resolve("model.spkm"));
    assertBits(a.params(), b.params(), "parameters");
    assertBits(a.state(), b.state(), "batch-norm state");
    String versionHere = TestJson.read(here.resolve("metrics.json")).get("spark_version")
        .asText();
    String versionThere = TestJson.read(there.resolve("metrics.json")).get("spark_version")
        .asText();
    assertTrue(versionHere.charAt(0) != versionThere.charAt(0),
        "two different Spark lines ran: " + versionHere + " and " + versionThere);
  }

  private static void assertBits(float[] a, float[] b, String what) {
    assertEquals(a.length, b.length, what + ": count");
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        throw new AssertionError(what + " differ first at " + i + ": " + a[i] + " vs " + b[i]);
      }
    }
  }

  private static Path otherJar(Path build) throws IOException {
    if (!Files.isDirectory(build)) {
      return null;
    }
    try (Stream<Path> s = Files.list(build)) {
      return s.filter(f -> f.getFileName().toString().matches("sparkprop-driver_spark[0-9.]+-.*"
          + "(?<!-spark)\\.jar")).findFirst().orElse(null);
    }
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
