package org.sparkprop.driver.exchange;

import java.io.IOException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.WorkerSpec;

/**
 * Runs the local steps of one epoch on the cluster and moves each sync's numbers between the
 * workers and the driver's {@link DriverSide}. One implementation per {@link Exchange}.
 */
public interface EpochRunner extends AutoCloseable {
  /**
   * Runs local steps plan.firstStep() … plan.endStep()-1 over train (one Block per partition),
   * calling driver.combine once per sync, in step order.
   */
  void runEpoch(JavaRDD<Block> train, Plan plan, DriverSide driver)
      throws IOException, InterruptedException;

  /**
   * Runs epochs from first on until ends returns no next plan. mayRunOn: whether the trainer
   * can do without Spark jobs between epochs, so that one stage may run several epochs; ends
   * then gets the sums of validation (null: none) from the tasks, a multi-label prediction
   * counted from threshold. By default one {@link #runEpoch} per epoch.
   */
  default void runEpochs(JavaRDD<Block> train, JavaRDD<Block> validation, float threshold,
      boolean mayRunOn, Plan first, DriverSide driver, EpochEnds ends)
      throws IOException, InterruptedException {
    for (Plan plan = first; plan != null; ) {
      ends.starting(plan);
      runEpoch(train, plan, driver);
      plan = ends.ended(plan, System.nanoTime(), null);
    }
  }

  @Override
  void close();

  /**
   * The runner for exchange: tasks build their workers from work; a sync waits at most
   * timeoutSeconds for a worker; ring says how the ring exchange syncs the gradient.
   */
  static EpochRunner open(Exchange exchange, JavaSparkContext sc, WorkerSpec work,
      int timeoutSeconds, RingOptions ring) throws IOException {
    return switch (exchange) {
      case DIRECT -> new DirectExchange(sc, work, timeoutSeconds * 1000, null);
      case RING -> new DirectExchange(sc, work, timeoutSeconds * 1000, ring);
      case SPARK -> new SparkJobExchange(sc, work);
    };
  }
}
