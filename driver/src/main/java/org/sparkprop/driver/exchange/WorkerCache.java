package org.sparkprop.driver.exchange;

import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.driver.worker.WorkerSpec;

/**
 * Reuses one {@link ShardWorker} per executor thread across the one-task-per-step jobs of the
 * Spark exchange, so a step allocates no model workspace. Keyed by (work, partition): a
 * different run or partition on the same thread gets a fresh worker.
 */
final class WorkerCache {
  private static final ThreadLocal<Entry> CACHE = new ThreadLocal<>();

  private record Entry(WorkerSpec work, int partition, ShardWorker worker) {}

  private WorkerCache() {}

  static ShardWorker get(WorkerSpec work, int partition) {
    Entry e = CACHE.get();
    if (e == null || e.partition() != partition || !e.work().equals(work)) {
      if (e != null) {
        e.worker().close();  // a GPU engine's device memory
      }
      e = new Entry(work, partition, new ShardWorker(work, partition));
      CACHE.set(e);
    }
    return e.worker();
  }
}
