package org.sparkprop.driver.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the training wall time went, in seconds summed over syncs: the slowest worker's
 * compute, communication (the rest of a sync's wall time outside the update), the optimizer
 * update (on the driver, or on the workers with the ring exchange), evaluation and
 * checkpoints; the number of syncs; and the bytes one worker sent and received for the syncs
 * (-1 when the exchange cannot tell: Spark's own broadcast and reduce).
 */
public record Timing(double compute, double communication, double driverUpdate,
    double evaluation, double checkpoint, long syncs, long workerBytes) {

  /** Communication / (compute + communication + driver update); 0 before any sync. */
  public double communicationShare() {
    double step = compute + communication + driverUpdate;
    return step == 0 ? 0 : communication / step;
  }

  /**
   * What happened since before (an earlier reading of the same run): an epoch's share of the
   * run. Bytes the exchange cannot tell stay -1.
   */
  public Timing minus(Timing before) {
    return new Timing(compute - before.compute, communication - before.communication,
        driverUpdate - before.driverUpdate, evaluation - before.evaluation,
        checkpoint - before.checkpoint, syncs - before.syncs,
        workerBytes < 0 || before.workerBytes < 0 ? -1 : workerBytes - before.workerBytes);
  }

  /**
   * An epoch's fields in its metrics.json row: those of {@link #toMap} but the evaluation,
   * which runs after the epoch's syncs.
   */
  public Map<String, Object> epochMap() {
    Map<String, Object> m = toMap();
    m.remove("evaluation_seconds");
    return m;
  }

  /** The fields under metrics.json's names. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("compute_seconds", compute);
    m.put("communication_seconds", communication);
    m.put("driver_update_seconds", driverUpdate);
    m.put("evaluation_seconds", evaluation);
    m.put("checkpoint_seconds", checkpoint);
    m.put("syncs", syncs);
    m.put("communication_share", communicationShare());
    m.put("worker_bytes_per_sync", workerBytes < 0 || syncs == 0 ? null
        : (double) workerBytes / syncs);
    return m;
  }

  /** The running nanosecond counters behind a Timing. */
  static final class Counters {
    long computeNs;
    long commNs;
    long updateNs;
    long evalNs;
    long checkpointNs;
    long syncs;
    long workerBytes;

    Timing toTiming() {
      return new Timing(computeNs / 1e9, commNs / 1e9, updateNs / 1e9, evalNs / 1e9,
          checkpointNs / 1e9, syncs, workerBytes);
    }
  }
}
