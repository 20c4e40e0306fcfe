package org.sparkprop.driver.spark;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.KryoSetup;

/**
 * Starts the Spark context for a command: the master from --master, else the one spark-submit
 * set (spark.master), else embedded local[*]; Kryo with required registration; extra
 * --conf KEY=VALUE settings last, so they win.
 */
public final class SparkContexts {
  static final String EXECUTOR_OPTS = "spark.executor.extraJavaOptions";
  static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
  /**
   * Compiles sparkprop's own methods (the kernel and the step around it) after 1/20 of the
   * JVM's usual call and loop counts. Until C2 has compiled it, the Vector API kernel runs in
   * its Java fallback, two orders of magnitude slower, and an executor's compiler is busy with
   * Spark's start-up code when the first epoch begins; with this the first epoch comes sooner
   * to full speed (docs/benchmarks.md). The same flags are in the POM's sparkprop.jvmFlags.
   */
  static final String EARLY_COMPILE = "-XX:CompileCommand=quiet "
      + "-XX:CompileCommand=CompileThresholdScaling,org.sparkprop.*::*,0.05";

  private static final Pattern LOCAL =
      Pattern.compile("local(?:\\[(\\*|\\d+)(?:,(\\d+))?\\])?");

  private SparkContexts() {}

  /** The master a command runs on: master, else spark.master (spark-submit's), else local[*]. */
  public static String resolveMaster(String master) {
    return master != null ? master : new SparkConf().get("spark.master", "local[*]");
  }

  /** A --conf KEY=VALUE setting as {key, value}. */
  public static String[] setting(String kv) {
    int eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--conf expects KEY=VALUE, got '" + kv + "'");
    }
    return new String[] {kv.substring(0, eq), kv.substring(eq + 1)};
  }

  /** Starts the context of a command (see the class comment); extra are KEY=VALUE settings. */
  public static JavaSparkContext start(String master, String app, List<String> extra) {
    SparkLine.check();
    SparkConf conf = KryoSetup.configure(new SparkConf()).setAppName(app)
        .setMaster(resolveMaster(master));
    if (conf.get("spark.master").startsWith("local")) {
      // Embedded: keep the driver (and the direct exchange's socket) on loopback.
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    }
    // A barrier stage needing more slots than the cluster has fails after this check instead
    // of waiting 40 × 15 s (Spark's defaults) before saying so.
    conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s");
    conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "10");
    for (String kv : extra) {
      String[] s = setting(kv);
      conf.set(s[0], s[1]);
    }
    // Executors run the Vector API kernel: make sure their JVMs load the incubator module
    // whatever the cluster's defaults say (without it they fall back to plain Java loops),
    // and compile the kernel early unless the user set compile thresholds of their own.
    String opts = conf.get(EXECUTOR_OPTS, "");
    if (!opts.contains("jdk.incubator.vector")) {
      opts = (opts + " " + VECTOR_MODULE).trim();
    }
    if (!opts.contains("CompileThresholdScaling")) {
      opts = opts + " " + EARLY_COMPILE;
    }
    conf.set(EXECUTOR_OPTS, opts);
    JavaSparkContext sc = new JavaSparkContext(conf);
    sc.setLogLevel(System.getProperty("sparkprop.sparkLogLevel", "WARN"));
    return sc;
  }

  /** Task slots of a local master (local, local[N], local[*], local[N,F]); -1 otherwise. */
  public static int localSlots(String master) {
    Matcher m = LOCAL.matcher(master);
    if (!m.matches()) {
      return -1;
    }
    if (m.group(1) == null) {
      return 1;
    }
    return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
        : Integer.parseInt(m.group(1));
  }

  /**
   * How many times Spark tries a task on this master: F of local[N,F] (1 for other local
   * masters), else spark.task.maxFailures (default 4).
   */
  public static int taskTries(String master, int maxFailures) {
    Matcher m = LOCAL.matcher(master);
    if (m.matches()) {
      return m.group(2) == null ? 1 : Math.max(1, Integer.parseInt(m.group(2)));
    }
    return Math.max(1, maxFailures);
  }
}
