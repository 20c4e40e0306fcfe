package org.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class SparkContextsTest {
  @Test
  void executorsAlwaysGetTheVectorModuleAndUserSettingsWin() {
    try (JavaSparkContext sc = SparkContexts.start("local[1]", "t", List.of(
        "spark.executor.extraJavaOptions=-Dx=1", "spark.ui.enabled=false"))) {
      // Spark puts its own --add-opens list first; the user's option and ours follow.
      String opts = sc.getConf().get("spark.executor.extraJavaOptions");
      assertTrue(opts.endsWith(" -Dx=1 --add-modules=jdk.incubator.vector"
          + " -XX:CompileCommand=quiet"
          + " -XX:CompileCommand=CompileThresholdScaling,org.sparkprop.*::*,0.05"), opts);
      assertEquals("127.0.0.1", sc.getConf().get("spark.driver.host"));
      assertEquals("true", sc.getConf().get("spark.kryo.registrationRequired"));
    }
  }

  @Test
  void theUsersOwnCompileThresholdsAreLeftAlone() {
    String mine = "--add-modules=jdk.incubator.vector,java.sql "
        + "-XX:CompileCommand=CompileThresholdScaling,org.sparkprop.*::*,1";
    try (JavaSparkContext sc = SparkContexts.start("local[1]", "t", List.of(
        "spark.executor.extraJavaOptions=" + mine, "spark.ui.enabled=false"))) {
      String opts = sc.getConf().get("spark.executor.extraJavaOptions");
      assertTrue(opts.endsWith(" " + mine), opts);
      assertEquals(1, opts.split("CompileThresholdScaling", -1).length - 1, opts);
    }
  }

  @Test
  void badConfAndLocalSlots() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> SparkContexts.start("local[1]", "t", List.of("novalue")));
    assertEquals("--conf expects KEY=VALUE, got 'novalue'", bad.getMessage());
    assertEquals(1, SparkContexts.localSlots("local"));
    assertEquals(3, SparkContexts.localSlots("local[3]"));
    assertEquals(2, SparkContexts.localSlots("local[2,4]"));
    assertEquals(-1, SparkContexts.localSlots("spark://127.0.0.1:7077"));
    assertEquals(1, SparkContexts.taskTries("local[2]", 4));
    assertEquals(3, SparkContexts.taskTries("local[2,3]", 4));
    assertEquals(4, SparkContexts.taskTries("spark://127.0.0.1:7077", 4));
    assertEquals(1, SparkContexts.taskTries("yarn", 0));
  }
}
