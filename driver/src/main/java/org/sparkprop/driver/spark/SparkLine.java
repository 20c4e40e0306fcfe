package org.sparkprop.driver.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The Spark line this build is for (Spark 4 / Scala 2.13, or Spark 3.5 / Scala 2.12) against
 * the Spark it runs on. A jar built for one line cannot run on the other (Scala's binary
 * versions differ): {@link #check()} says so in one line, naming the jar to take, before
 * anything Spark would fail on with a linkage error deep in a job.
 */
public final class SparkLine {
  private static final Properties BUILD = load();

  private SparkLine() {}

  /** The line this build is for: "4" or "3.5". */
  public static String line() {
    return BUILD.getProperty("spark.line");
  }

  /** The Spark release this build was compiled against. */
  public static String builtAgainst() {
    return BUILD.getProperty("spark.version");
  }

  /** The Scala binary version this build was compiled for (2.13 or 2.12). */
  public static String scala() {
    return BUILD.getProperty("scala.binary.version");
  }

  /** sparkprop's own version. */
  public static String version() {
    return BUILD.getProperty("version");
  }

  /** The version line of --version: sparkprop's, the line, and the Spark it runs on. */
  public static String describe() {
    return "sparkprop " + version() + " for Spark " + line() + " (built against Spark "
        + builtAgainst() + ", Scala " + scala() + "); running on Spark " + runtimeSpark()
        + ", Scala " + runtimeScala() + ", Java " + System.getProperty("java.version");
  }

  /** Fails with a clear message where the running Spark or Scala is not this build's line. */
  public static void check() {
    String problem = mismatch(line(), scala(), runtimeSpark(), runtimeScala());
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
  }

  /**
   * Why a build for {@code line} (Scala {@code scala}) cannot run on Spark {@code spark} with
   * Scala {@code runningScala}; null where it can. The line is Spark's major version, and for
   * Spark 3 its minor too (3.5).
   */
  static String mismatch(String line, String scala, String spark, String runningScala) {
    String running = spark.startsWith("3.") ? majorMinor(spark) : spark.split("\\.")[0];
    String runningBinary = majorMinor(runningScala);
    if (line.equals(running) && scala.equals(runningBinary)) {
      return null;
    }
    String what = "this sparkprop jar is built for Spark " + line + " (Scala " + scala
        + ") but runs on Spark " + spark + " (Scala " + runningBinary + "): ";
    if (running.equals("4") && runningBinary.equals("2.13")) {
      return what + "use sparkprop-driver_spark4-" + version() + "-spark.jar";
    }
    if (running.equals("3.5") && runningBinary.equals("2.12")) {
      return what + "use sparkprop-driver_spark3.5-" + version() + "-spark.jar (mvn -Pspark3.5 "
          + "package builds it)";
    }
    return what + "sparkprop runs on Spark 4 (Scala 2.13) and Spark 3.5 (Scala 2.12)";
  }

  private static String runtimeSpark() {
    return org.apache.spark.package$.MODULE$.SPARK_VERSION();
  }

  private static String runtimeScala() {
    return scala.util.Properties.versionNumberString();
  }

  private static String majorMinor(String v) {
    String[] p = v.split("\\.");
    return p.length < 2 ? v : p[0] + "." + p[1];
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = SparkLine.class.getResourceAsStream("build.properties")) {
      if (in == null) {
        throw new IllegalStateException("build.properties is missing from the sparkprop jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
