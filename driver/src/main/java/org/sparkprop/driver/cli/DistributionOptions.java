package org.sparkprop.driver.cli;

import org.sparkprop.driver.exchange.Exchange;
import org.sparkprop.driver.exchange.WirePrecision;
import org.sparkprop.driver.spark.SparkContexts;
import org.sparkprop.driver.train.LrScaling;
import org.sparkprop.driver.train.Sync;
import org.sparkprop.driver.train.TrainOptions;
import org.sparkprop.trainer.model.Device;
import org.sparkprop.trainer.model.Engines;
import org.sparkprop.trainer.model.MlpSpec;
import picocli.CommandLine.Option;

/** How training is distributed, where workers compute, checkpoints and resuming. */
final class DistributionOptions {
  /** Seconds a sync waits for a worker before the epoch fails. */
  private static final int SYNC_TIMEOUT_SECONDS = 600;

  @Option(names = "--sync", defaultValue = "gradient", description = "gradient: average "
      + "gradients every step (the ring's workers then step the optimizer themselves, the "
      + "other exchanges' driver does); params: parameter averaging every "
      + "--average-every local steps (${DEFAULT-VALUE})")
  Sync sync;

  @Option(names = "--average-every", defaultValue = "16", description = "local steps between "
      + "parameter averages with --sync params (${DEFAULT-VALUE})")
  int averageEvery;

  @Option(names = "--average-optimizer-state", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "with --sync params, average the optimizer state "
          + "too (on; --no-average-optimizer-state keeps one per worker)")
  boolean averageOptimizerState;

  @Option(names = "--exchange", defaultValue = "ring", description = "ring: one barrier stage "
      + "for all epochs, the executors all-reduce among themselves and step the optimizer "
      + "themselves; direct: one barrier stage per epoch, sums and parameters over a driver "
      + "connection; spark: one Spark job per step (broadcast + treeReduce) (${DEFAULT-VALUE})")
  Exchange exchange;

  @Option(names = "--bucket-kib", defaultValue = "" + TrainOptions.DEFAULT_BUCKET_KIB,
      description = "ring exchange, gradient sync: the gradient goes on the wire in buckets of "
          + "at least this many KiB, ending at layer boundaries, each as soon as the backward "
          + "pass has finished it (${DEFAULT-VALUE})")
  int bucketKib;

  @Option(names = "--shard-optimizer", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "ring exchange, gradient sync: each of P workers "
          + "steps only its 1/P of the parameters and optimizer state between the gradient's "
          + "reduce-scatter and the parameters' all-gather (ZeRO stage 1) (on; "
          + "--no-shard-optimizer: every worker steps all of them)")
  boolean shardOptimizer;

  @Option(names = "--wire-precision", defaultValue = "fp32", description = "ring exchange, "
      + "gradient sync: the gradient's partial sums travel as fp32 or bf16 (half the bytes, 8 "
      + "significant bits on the wire, added in fp32; parameters always travel as fp32) "
      + "(${DEFAULT-VALUE})")
  WirePrecision wirePrecision;

  @Option(names = "--shared-memory", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "ring exchange: neighbours on one host (local mode, "
          + "executors sharing a machine) link through shared memory in /dev/shm instead of "
          + "the loopback, unless spark.network.crypto.enabled seals the frames (on; "
          + "--no-shared-memory)")
  boolean sharedMemory;

  @Option(names = "--device", defaultValue = "auto", description = "where workers compute: "
      + "auto (a GPU through JCuda/cuBLAS when one answers and the model has no batch norm, "
      + "else the CPU kernel), cpu, gpu (fails without one) (${DEFAULT-VALUE})")
  Device device;

  @Option(names = "--lr-scaling", defaultValue = "none", description = "scale --lr with the "
      + "number of workers (global batch / --batch): linear, sqrt, none (${DEFAULT-VALUE})")
  LrScaling lrScaling;

  @Option(names = "--checkpoint-dir", paramLabel = "URI", description = "write checkpoints "
      + "here (at every epoch end and every --checkpoint-every steps)")
  String checkpointDir;

  @Option(names = "--checkpoint-every", defaultValue = "0", description = "steps between "
      + "checkpoints inside an epoch; 0 = epoch ends only")
  int checkpointEvery;

  @Option(names = "--resume", paramLabel = "URI", description = "continue from the latest "
      + "checkpoint in this folder (same data, batch and partitions)")
  String resume;

  @Option(names = "--max-steps", defaultValue = "0", description = "stop after this many "
      + "steps, with a checkpoint (0 = no limit)")
  long maxSteps;

  /** The distribution these flags choose, checked against the model and the Spark flags. */
  TrainOptions options(MlpSpec spec, SparkOptions spark) {
    return options(spec, spark.resolvedMaster(), spark.partitions);
  }

  /** As above, for parts partitions (0: Spark's default) on master. */
  TrainOptions options(MlpSpec spec, String master, int parts) {
    Flags.parse("--device", () -> {
      Engines.validate(device, spec);
      return device;
    });
    if (resume != null && checkpointDir != null && !resume.equals(checkpointDir)) {
      throw new IllegalArgumentException("--resume and --checkpoint-dir name different "
          + "folders; give one (resuming keeps checkpointing into the same folder)");
    }
    int slots = SparkContexts.localSlots(master);
    if (exchange != Exchange.SPARK && slots > 0 && parts > slots) {
      throw new IllegalArgumentException("--partitions " + parts + " exceeds the "
          + slots + " task slots of " + master + ": the " + exchange
          + " exchange runs every partition at once (a barrier stage); use --partitions ≤ "
          + slots + " or --exchange spark");
    }
    return new TrainOptions(sync, averageEvery, averageOptimizerState, exchange,
        checkpointEvery, SYNC_TIMEOUT_SECONDS, maxSteps, bucketKib, shardOptimizer, wirePrecision,
        sharedMemory);
  }

  /** Checks one flag's value on its own, naming the flag (the enums' names: when parsed). */
  void checkValue(String flag) {
    switch (flag) {
      case "--average-every" -> Flags.atLeast(flag, averageEvery, 1);
      case "--bucket-kib" -> Flags.atLeast(flag, bucketKib, 1);
      case "--checkpoint-every" -> Flags.atLeast(flag, checkpointEvery, 0);
      case "--max-steps" -> Flags.atLeast(flag, maxSteps, 0);
      default -> { }
    }
  }

  /** The checkpoint folder of this run (resumed or new), or null. */
  String checkpointFolder() {
    return resume != null ? resume : checkpointDir;
  }
}
