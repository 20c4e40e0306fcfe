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

  private record Entry(MlpSpec spec, TrainConfig cfg, int partition, String device,
      ShardWorker worker) {}

  private WorkerCache() {}

  static ShardWorker get(MlpSpec spec, TrainConfig cfg, int partition, String device) {
    Entry e = CACHE.get();
    if (e == null || e.partition() != partition || !e.spec().equals(spec)
        || !e.cfg().equals(cfg) || !e.device().equals(device)) {
      if (e != null) {
        e.worker().close();  // a GPU engine's device memory
      }
      e = new Entry(spec, cfg, partition, device, new ShardWorker(spec, cfg, partition,
          device));
      CACHE.set(e);
    }
    return e.worker();
  }
}
