package org.sparkprop.driver.train;

import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * Reuses one {@link ShardWorker} per executor thread across the one-task-per-step jobs of the
 * Spark exchange, so a step allocates no model workspace. Keyed by (spec, config, partition):
 * a different run or partition on the same thread gets a fresh worker.
 */
final class WorkerCache {
  private static final ThreadLocal<Entry> CACHE = new ThreadLocal<>();

  private record Entry(MlpSpec spec, TrainConfig cfg, int partition, ShardWorker worker) {}

  private WorkerCache() {}

  static ShardWorker get(MlpSpec spec, TrainConfig cfg, int partition) {
    Entry e = CACHE.get();
    if (e == null || e.partition() != partition || !e.spec().equals(spec)
        || !e.cfg().equals(cfg)) {
      e = new Entry(spec, cfg, partition, new ShardWorker(spec, cfg, partition));
      CACHE.set(e);
    }
    return e.worker();
  }
}
