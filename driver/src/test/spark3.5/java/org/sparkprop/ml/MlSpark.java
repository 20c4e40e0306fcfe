package org.sparkprop.ml;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * spark-testing-base's shared session for the Spark ML tests, as a user's program has it:
 * Spark's default (Java) serializer, not the command line's Kryo with required registration
 * (which MLlib's own stages would need registered too); local[2] (two barrier slots),
 * loopback only, no UI, no Hive. JUnit 5 does not run the base class's JUnit 4 hooks, so
 * this class calls {@code runBefore()} before each test and {@code runAfterClass()} after
 * all.
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

  @BeforeEach
  void session() {
    runBefore();
  }

  @AfterAll
  static void stop() {
    runAfterClass();
  }

  /** Three blobs (SparkpropClassifierTest.blobsCsv) of n rows in dir, with a features vector. */
  Dataset<Row> blobs(Path dir, int n, long seed) throws IOException {
    return SparkpropClassifierTest.blobs(spark(), dir, n, seed);
  }
}
