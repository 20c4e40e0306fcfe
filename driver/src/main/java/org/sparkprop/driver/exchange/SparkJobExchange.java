package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.driver.worker.WorkerSpec;
import org.sparkprop.trainer.model.Weights;

/**
 * The Spark exchange: one Spark job per step, as Spark MLlib's optimisers do: broadcast the
 * parameters and state, each task computes its partition's gradient sum ({@link StepSums}),
 * treeReduce adds them, the broadcast is destroyed. Gradient sync only (a task lives one
 * step, so it cannot keep a local optimizer). Each executor thread keeps its worker between
 * steps ({@link WorkerCache}).
 */
final class SparkJobExchange implements EpochRunner {
  private final JavaSparkContext sc;
  private final WorkerSpec work;

  SparkJobExchange(JavaSparkContext sc, WorkerSpec work) {
    this.sc = sc;
    this.work = work;
  }

  @Override
  public void runEpoch(JavaRDD<Block> train, Plan plan, DriverSide driver) throws IOException {
    if (plan.averageParams()) {
      throw new IllegalArgumentException("--sync params needs --exchange ring or direct");
    }
    WorkerSpec w = work;
    float[] a = driver.paramSums();
    try {
      for (int j = plan.firstStep(); j < plan.endStep(); j++) {
        long t0 = System.nanoTime();
        sc.setJobDescription(String.format(Locale.ROOT, "epoch %d · step %d", plan.epoch(),
            j + 1));
        Broadcast<Weights> bc = sc.broadcast(new Weights(driver.params(), driver.state()));
        int step = j;
        StepSums sums;
        try {
          sums = train.mapPartitionsWithIndex((part, it) -> List.of(
              partitionSums(w, part, it.next(), plan, step, bc.value())).iterator(), true)
              .treeReduce(StepSums::merge, 2);
        } finally {
          bc.destroy();
        }
        long t1 = System.nanoTime();
        System.arraycopy(sums.grad, 0, a, 0, a.length);
        driver.combine(a, sums.state, sums.lossSum, sums.correct, sums.rows, plan, j, 1);
        long t2 = System.nanoTime();
        driver.addSyncTime(sums.computeNanos, Math.max(0, t1 - t0 - sums.computeNanos), t2 - t1,
            -1);
        driver.afterSync(plan, j + 1);
      }
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** On an executor: partition part's gradient sum for local step j from weights ps. */
  private static StepSums partitionSums(WorkerSpec work, int part, Block block, Plan plan, int j,
      Weights ps) {
    ShardWorker w = WorkerCache.get(work, part);
    w.beginEpoch(block, plan.epoch(), plan.rowsFor(block.rows()));
    float[] st = ps.state().clone();
    long t0 = System.nanoTime();
    w.gradientSum(ps.params(), st, j, plan.globalStep(j));
    long ns = System.nanoTime() - t0;
    for (int i = 0; i < st.length; i++) {
      st[i] *= w.rows();
    }
    return new StepSums(w.gradient().clone(), st, w.lossSum(), w.correct(), w.rows(), ns);
  }

  @Override
  public void close() {}
}
