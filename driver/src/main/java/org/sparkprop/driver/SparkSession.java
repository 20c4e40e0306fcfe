package org.sparkprop.driver;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts the Spark context for a command: the master from --master, else the one spark-submit
 * set (spark.master), else embedded local[*]; Kryo with required registration; extra
 * --conf KEY=VALUE settings last, so they win.
 */
final class SparkSession {
  static final String EXECUTOR_OPTS = "spark.executor.extraJavaOptions";
  static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

  private SparkSession() {}

  static JavaSparkContext start(String master, String app, List<String> extra) {
    SparkConf conf = KryoSetup.configure(new SparkConf()).setAppName(app);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
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
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--conf expects KEY=VALUE, got '" + kv + "'");
      }
      conf.set(kv.substring(0, eq), kv.substring(eq + 1));
    }
    // Executors run the Vector API kernel: make sure their JVMs load the incubator module
    // whatever the cluster's defaults say (without it they fall back to plain Java loops).
    String opts = conf.get(EXECUTOR_OPTS, "");
    if (!opts.contains("jdk.incubator.vector")) {
      conf.set(EXECUTOR_OPTS, (opts + " " + VECTOR_MODULE).trim());
    }
    JavaSparkContext sc = new JavaSparkContext(conf);
    sc.setLogLevel(System.getProperty("sparkprop.sparkLogLevel", "WARN"));
    return sc;
  }

  /** Task slots of a local master (local, local[N], local[*], local[N,F]); -1 otherwise. */
  static int localSlots(String master) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?").matcher(master);
    if (!m.matches()) {
      return -1;
    }
    if (m.group(1) == null) {
      return 1;
    }
    return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
        : Integer.parseInt(m.group(1));
  }
}
