package org.sparkprop.driver;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A local Spark context for tests: loopback only, no UI, Kryo with required registration. */
public final class TestSpark {
  private TestSpark() {}

  public static JavaSparkContext start(String master) {
    SparkConf conf = KryoSetup.configure(new SparkConf())
        .setMaster(master)
        .setAppName("sparkprop-test")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "4");
    return new JavaSparkContext(conf);
  }
}
