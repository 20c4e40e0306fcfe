package org.sparkprop.ml;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.SparkConf;

/**
 * spark-testing-base's shared session for the Spark ML tests, as a user's program has it:
 * Spark's default (Java) serializer, not the command line's Kryo with required registration
 * (which MLlib's own stages would need registered too); local[2] (two barrier slots),
 * loopback only, no UI, no Hive. JUnit 5 does not run the
 * base class's JUnit 4 hooks: subclasses call {@code runBefore()} before each test and
 * {@code runAfterClass()} after all.
 */
public class MlSpark extends JavaDataFrameSuiteBase {
  @Override
  public SparkConf conf() {
    return new SparkConf()
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
