package org.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestSpark;

/** Reductions merged in partition order whatever order the tasks finish in. */
class InOrderTest {
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = TestSpark.start("local[4]");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  /**
   * Eight letters in four partitions whose tasks finish last to first (partition q waits
   * 0.4·(3 − q) s): an order-sensitive merge (concatenation) shows the order of merging.
   */
  @Test
  void mergesInPartitionAndElementOrderWhenTheTasksFinishInReverse() {
    List<String> letters = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    JavaRDD<String> late = sc.parallelize(letters, 4).mapPartitionsWithIndex((q, it) -> {
      Thread.sleep(400L * (3 - q));
      List<String> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out.iterator();
    }, true);
    assertEquals(">abcdefgh", InOrder.fold(late, ">", String::concat));
    // Spark's own reduce merges as the tasks finish: the last partition's letters come first.
    assertNotEquals("abcdefgh", late.reduce(String::concat));
  }
}
