package org.sparkprop.driver.spark;

import java.util.function.BinaryOperator;
import org.apache.spark.api.java.JavaRDD;

/**
 * Deterministic reductions: Spark's reduce, fold and treeReduce merge the tasks' results on
 * the driver as the tasks finish, so floating-point sums over three or more partitions can
 * differ in their last bits from run to run. These merge in partition (and element) order.
 */
public final class InOrder {
  private InOrder() {}

  /**
   * zero merged with every element of rdd in partition order, then element order within a
   * partition: merge(…merge(merge(zero, e0), e1)…, eN). For RDDs of one small partial result
   * per partition or block (they all travel to the driver).
   */
  public static <T> T fold(JavaRDD<T> rdd, T zero, BinaryOperator<T> merge) {
    T acc = zero;
    for (T e : rdd.collect()) {
      acc = merge.apply(acc, e);
    }
    return acc;
  }
}
