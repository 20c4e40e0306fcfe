package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;

/**
 * The Spark ML tests' shared session and DataFrame comparison on the Spark 4 line, where
 * spark-testing-base is not published: the same small API as the Spark 3.5 line's class
 * (which takes both from spark-testing-base's {@code JavaDataFrameSuiteBase}). The session is
 * what a user's program has: Spark's default (Java) serializer, not the command line's Kryo
 * with required registration; local[2] (two barrier slots), loopback only, no UI, no Hive.
 */
public class MlSpark {
  private static SparkSession session;

  /** The session shared by the tests of a class (started on first use). */
  public SparkSession spark() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("sparkprop-ml-test")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .getOrCreate();
    }
    return session;
  }

  @AfterAll
  static void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
  }

  /**
   * Equal schemas, row counts and rows in order, numbers (and vector entries) within
   * {@code tol} of each other: spark-testing-base's {@code assertDataFrameApproximateEquals}.
   */
  public void assertDataFrameApproximateEquals(Dataset<Row> expected, Dataset<Row> actual,
      double tol) {
    assertEquals(expected.schema(), actual.schema(), "schema");
    List<Row> e = expected.collectAsList();
    List<Row> a = actual.collectAsList();
    assertEquals(e.size(), a.size(), "row count");
    for (int r = 0; r < e.size(); r++) {
      Row x = e.get(r);
      Row y = a.get(r);
      for (int f = 0; f < x.size(); f++) {
        String where = "row " + r + ", column " + expected.schema().fields()[f].name();
        assertClose(x.get(f), y.get(f), tol, where);
      }
    }
  }

  private static void assertClose(Object x, Object y, double tol, String where) {
    if (x instanceof Number n && y instanceof Number m && !(x instanceof Long)
        && !(x instanceof Integer)) {
      assertClose(n.doubleValue(), m.doubleValue(), tol, where);
    } else if (x instanceof Vector u && y instanceof Vector v) {
      assertEquals(u.size(), v.size(), where + ": vector size");
      for (int i = 0; i < u.size(); i++) {
        assertClose(u.apply(i), v.apply(i), tol, where + "[" + i + "]");
      }
    } else {
      assertEquals(x, y, where);
    }
  }

  private static void assertClose(double x, double y, double tol, String where) {
    if (Double.isNaN(x) && Double.isNaN(y) || x == y) {
      return;
    }
    if (!(Math.abs(x - y) <= tol)) {
      throw new AssertionError(where + ": expected " + x + " but was " + y
          + " (tolerance " + tol + ")");
    }
  }

  /** Three blobs (SparkpropClassifierTest.blobsCsv) of n rows in dir, with a features vector. */
  Dataset<Row> blobs(Path dir, int n, long seed) throws IOException {
    return SparkpropClassifierTest.blobs(spark(), dir, n, seed);
  }
}
