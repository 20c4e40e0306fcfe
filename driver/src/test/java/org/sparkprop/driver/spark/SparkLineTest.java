package org.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkprop.driver.CliRun;

class SparkLineTest {
  @Test
  void thisBuildRunsOnItsOwnLine() {
    assertEquals(System.getProperty("sparkprop.sparkLine"), SparkLine.line());
    assertEquals(System.getProperty("sparkprop.sparkVersion"), SparkLine.builtAgainst());
    assertEquals(System.getProperty("sparkprop.scalaVersion"), SparkLine.scala());
    SparkLine.check();
    CliRun v = CliRun.of("--version");
    assertEquals(0, v.code(), v.toString());
    assertTrue(v.out().startsWith("sparkprop " + SparkLine.version() + " for Spark "
        + SparkLine.line() + " (built against Spark " + SparkLine.builtAgainst() + ", Scala "
        + SparkLine.scala() + "); running on Spark "), v.out());
  }

  @Test
  void theWrongLineNamesTheJarToTake() {
    String v = SparkLine.version();
    assertNull(SparkLine.mismatch("4", "2.13", "4.2.0", "2.13.18"));
    assertNull(SparkLine.mismatch("4", "2.13", "4.0.4", "2.13.16"));
    assertNull(SparkLine.mismatch("3.5", "2.12", "3.5.8", "2.12.18"));
    assertEquals("this sparkprop jar is built for Spark 4 (Scala 2.13) but runs on Spark 3.5.8 "
        + "(Scala 2.12): use sparkprop-driver_spark3.5-" + v + "-spark.jar (mvn -Pspark3.5 "
        + "package builds it)", SparkLine.mismatch("4", "2.13", "3.5.8", "2.12.18"));
    assertEquals("this sparkprop jar is built for Spark 3.5 (Scala 2.12) but runs on Spark 4.1.1 "
        + "(Scala 2.13): use sparkprop-driver_spark4-" + v + "-spark.jar",
        SparkLine.mismatch("3.5", "2.12", "4.1.1", "2.13.17"));
    // Spark 3.5's Scala 2.13 distribution, and a line sparkprop does not build for.
    assertEquals("this sparkprop jar is built for Spark 3.5 (Scala 2.12) but runs on Spark 3.5.1 "
        + "(Scala 2.13): sparkprop runs on Spark 4 (Scala 2.13) and Spark 3.5 (Scala 2.12)",
        SparkLine.mismatch("3.5", "2.12", "3.5.1", "2.13.8"));
    assertEquals("this sparkprop jar is built for Spark 4 (Scala 2.13) but runs on Spark 3.4.1 "
        + "(Scala 2.12): sparkprop runs on Spark 4 (Scala 2.13) and Spark 3.5 (Scala 2.12)",
        SparkLine.mismatch("4", "2.13", "3.4.1", "2.12.17"));
  }
}
