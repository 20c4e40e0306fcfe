package org.sparkprop.ml;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.SparkConf;
import org.sparkprop.driver.KryoSetup;

/**
 * spark-testing-base's shared session for the Spark ML tests: local[2] (two barrier slots),
 * loopback only, no UI, Kryo as the command line sets it, no Hive. JUnit 5 does not run the
 * base class's JUnit 4 hooks: subclasses call {@code runBefore()} before each test and
 * {@code runAfterClass()} after all.
 */
public class MlSpark extends JavaDataFrameSuiteBase {
  @Override
  public SparkConf conf() {
    return KryoSetup.configure(new SparkConf())
        .setMaster("local[2]")
        .setAppName("sparkprop-ml-test")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "4");
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }
}
