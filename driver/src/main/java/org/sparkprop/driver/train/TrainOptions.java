package org.sparkprop.driver.train;

import java.io.Serializable;
import org.sparkprop.driver.exchange.Exchange;
import org.sparkprop.driver.exchange.RingOptions;
import org.sparkprop.driver.exchange.WirePrecision;

/**
 * How training is distributed and checkpointed (the model and optimizer are in the MlpSpec and
 * TrainConfig): the sync algorithm and its k, whether parameter averaging averages optimizer
 * state too, the exchange, steps between mid-epoch checkpoints (0 = epoch ends only), how long
 * a sync may wait for a worker, and a step budget (0 = none). Validated on construction.
 */
public record TrainOptions(Sync sync, int averageEvery, boolean averageOptimizerState,
    Exchange exchange, int checkpointEvery, int syncTimeoutSeconds, long maxSteps,
    int bucketKib, boolean shardOptimizer, WirePrecision wirePrecision, boolean sharedMemory)
    implements Serializable {
  /** The ring's smallest gradient bucket by default, KiB (PyTorch DDP's is 25 MiB). */
  public static final int DEFAULT_BUCKET_KIB = 64;

  /** Options with the default bucket size and a sharded optimizer. */
  public TrainOptions(Sync sync, int averageEvery, boolean averageOptimizerState,
      Exchange exchange, int checkpointEvery, int syncTimeoutSeconds, long maxSteps) {
    this(sync, averageEvery, averageOptimizerState, exchange, checkpointEvery,
        syncTimeoutSeconds, maxSteps, DEFAULT_BUCKET_KIB, true, WirePrecision.FP32,
        true);
  }

  public TrainOptions {
    if (wirePrecision == WirePrecision.BF16 && (exchange != Exchange.RING
        || sync != Sync.GRADIENT)) {
      throw new IllegalArgumentException("--wire-precision bf16 needs --exchange ring and "
          + "--sync gradient (it is the ring's gradient reduce-scatter that it halves)");
    }
    if (bucketKib < 1) {
      throw new IllegalArgumentException("--bucket-kib must be ≥ 1, got " + bucketKib);
    }
    if (averageEvery < 1) {
      throw new IllegalArgumentException("--average-every must be ≥ 1, got " + averageEvery);
    }
    if (sync == Sync.PARAMS && exchange == Exchange.SPARK) {
      throw new IllegalArgumentException("--sync params needs --exchange ring or direct (the "
          + "local optimizer state lives in the epoch's long-running task)");
    }
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("--checkpoint-every must be ≥ 0, got "
          + checkpointEvery);
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("--max-steps must be ≥ 0 (0 = no limit), got "
          + maxSteps);
    }
    if (syncTimeoutSeconds < 1) {
      throw new IllegalArgumentException("sync timeout must be ≥ 1 s, got "
          + syncTimeoutSeconds);
    }
  }

  /** Gradient sync every step over the ring exchange, no checkpoints, 600 s timeout. */
  public static TrainOptions defaults() {
    return new TrainOptions(Sync.GRADIENT, 1, true, Exchange.RING, 0, 600, 0);
  }

  /** These options with another sync algorithm, k and exchange. */
  public TrainOptions with(Sync s, int k, Exchange e) {
    return new TrainOptions(s, k, averageOptimizerState, e, checkpointEvery, syncTimeoutSeconds,
        maxSteps, bucketKib, shardOptimizer, wirePrecision, sharedMemory);
  }

  /** Stop (with a checkpoint) once this many steps are done; 0 = no limit. */
  public TrainOptions withMaxSteps(long steps) {
    return new TrainOptions(sync, averageEvery, averageOptimizerState, exchange, checkpointEvery,
        syncTimeoutSeconds, steps, bucketKib, shardOptimizer, wirePrecision, sharedMemory);
  }

  /** The ring's gradient buckets at least this many KiB (they end at layer boundaries). */
  public TrainOptions withBucketKib(int kib) {
    return new TrainOptions(sync, averageEvery, averageOptimizerState, exchange, checkpointEvery,
        syncTimeoutSeconds, maxSteps, kib, shardOptimizer, wirePrecision, sharedMemory);
  }

  /**
   * Whether the ring's workers each step only their 1/P of the parameters and optimizer state
   * (ZeRO stage 1), else all of them (replicated).
   */
  public TrainOptions withShardOptimizer(boolean shard) {
    return new TrainOptions(sync, averageEvery, averageOptimizerState, exchange, checkpointEvery,
        syncTimeoutSeconds, maxSteps, bucketKib, shard, wirePrecision, sharedMemory);
  }

  /** How the ring sends the gradient's partial sums. */
  public TrainOptions withWirePrecision(WirePrecision p) {
    return new TrainOptions(sync, averageEvery, averageOptimizerState, exchange, checkpointEvery,
        syncTimeoutSeconds, maxSteps, bucketKib, shardOptimizer, p, sharedMemory);
  }

  /** Whether ring neighbours on one host link through shared memory instead of TCP. */
  public TrainOptions withSharedMemory(boolean shm) {
    return new TrainOptions(sync, averageEvery, averageOptimizerState, exchange, checkpointEvery,
        syncTimeoutSeconds, maxSteps, bucketKib, shardOptimizer, wirePrecision, shm);
  }

  /** What the ring exchange needs of these options. */
  public RingOptions ring() {
    return new RingOptions(bucketKib * 256, shardOptimizer, wirePrecision, sharedMemory);
  }

  /** Local steps per sync: k with parameter averaging, else 1. */
  public int stepsPerSync() {
    return sync == Sync.PARAMS ? averageEvery : 1;
  }
}
