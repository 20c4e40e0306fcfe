package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.driver.worker.WorkerSpec;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.runtime.AbstractFunction1;

/**
 * What the direct and ring exchanges' tasks share: one long task per partition and epoch (a
 * barrier stage) that builds its worker on its block, says hello to the driver and runs the
 * epoch's syncs. The connection starts with {@link DriverLink}'s hello and handshake.
 */
abstract class EpochTask extends AbstractFunction1<Iterator<Block>, Iterator<Long>>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  final WorkerSpec work;
  final Plan plan;
  final Endpoint driver;

  EpochTask(WorkerSpec work, Plan plan, Endpoint driver) {
    this.work = work;
    this.plan = plan;
    this.driver = driver;
  }

  @Override
  public final Iterator<Long> apply(Iterator<Block> blocks) {
    Block block = blocks.next();
    // Any blocks after the training shard are the validation shard's (ShardsWithValidation).
    List<Block> validation = new ArrayList<>();
    while (blocks.hasNext()) {
      validation.add(blocks.next());
    }
    TaskContext ctx = TaskContext.get();
    int partition = ctx.partitionId();
    try (ShardWorker w = new ShardWorker(work, partition)) {
      w.beginEpoch(block, plan.epoch(), plan.rowsFor(block.rows()));
      return Iterator$.MODULE$.single(run(w, block, validation, ctx, partition));
    }
  }

  /**
   * Runs the epoch's syncs on w (its epoch begun on block; validation: this partition's
   * validation blocks, if the stage has them); returns the nanoseconds computing.
   */
  abstract long run(ShardWorker w, Block block, List<Block> validation, TaskContext ctx,
      int partition);

  /** Connects to the driver: the hello and the handshake ({@link DriverLink}). */
  final Wire connect(TaskContext ctx, int partition) throws IOException {
    return DriverLink.connect(driver, new DriverLink.Hello(plan.epoch(), driver.attempt(),
        ctx.stageAttemptNumber(), partition));
  }
}
