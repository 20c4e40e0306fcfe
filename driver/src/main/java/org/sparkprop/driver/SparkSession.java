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
    for (String kv : extra) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--conf expects KEY=VALUE, got '" + kv + "'");
      }
      conf.set(kv.substring(0, eq), kv.substring(eq + 1));
    }
    JavaSparkContext sc = new JavaSparkContext(conf);
    sc.setLogLevel(System.getProperty("sparkprop.sparkLogLevel", "WARN"));
    return sc;
  }
}
