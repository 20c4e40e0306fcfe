package org.sparkprop.driver.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.spark.SparkContexts;
import picocli.CommandLine.Option;

/** Where Spark runs and how many partitions work: the flags every command takes. */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: "
      + "spark.master when launched by spark-submit, else local[*]: embedded)")
  String master;

  @Option(names = "--partitions", defaultValue = "0", description = "partitions = "
      + "data-parallel workers (0 = Spark's default parallelism: the executors' total cores)")
  int partitions;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "extra Spark setting "
      + "(repeatable)")
  List<String> conf = new ArrayList<>();

  /** Checks the flags without starting Spark. */
  void check() {
    checkValue("--partitions");
    for (String kv : conf) {
      SparkContexts.setting(kv);
    }
  }

  /** Checks --partitions' value on its own. */
  void checkValue(String flag) {
    if (!flag.equals("--partitions")) {
      throw new IllegalStateException("not a Spark flag: " + flag);
    }
    Flags.atLeast(flag, partitions, 0);
  }

  /** The master Spark will run on: --master, else spark-submit's, else local[*]. */
  String resolvedMaster() {
    return SparkContexts.resolveMaster(master);
  }

  JavaSparkContext start(String app) {
    return SparkContexts.start(master, app, conf);
  }

  /** --partitions, or Spark's default parallelism. */
  int partitions(JavaSparkContext sc) {
    return partitions > 0 ? partitions : sc.defaultParallelism();
  }
}
