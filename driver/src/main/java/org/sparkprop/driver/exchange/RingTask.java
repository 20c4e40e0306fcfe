package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.sparkprop.driver.collective.BucketedAllReduce;
import org.sparkprop.driver.collective.PeerSecurity;
import org.sparkprop.driver.collective.Ring;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.driver.worker.WorkerSpec;

/**
 * The executor side of the ring exchange: one long task per partition and epoch, or per run
 * of epochs (a barrier stage), that learns the other tasks' addresses from the driver once,
 * joins a {@link Ring} with them, and from then on all-reduces every sync among the
 * executors; each task takes the optimizer step itself on the reduced sums (the same bits on
 * every task), so the driver is off the per-step path. Task 0 reports the epoch's totals
 * about once a second, and the run state when a checkpoint is due and at the epoch's end.
 *
 * <p>Protocol with the driver (big-endian header, little-endian floats): {@link DriverLink}'s
 * hello and handshake, then UTF host and int port of this task's ring socket; driver → task:
 * long session, int P, P × (UTF host, int port), this task's chunk of the start state
 * ({@link StartState}: parameters (n), state (S) and, unless every worker keeps its own,
 * optimizer state (O × n), concatenated; the tasks all-gather the rest once they have joined
 * the ring), the worker's own optimizer state (O × n) when it keeps one, long global step,
 * long step of the last checkpoint. Task 0 → driver at most once a
 * second: int {@link #PROGRESS} and the epoch try's {@link SyncTotals} so far. At a checkpoint
 * ({@link #SNAPSHOT}) and at the end ({@link #END}): task 0 sends its totals, the type,
 * parameters, state, int {@link #OPTIMIZER_WHOLE} and the optimizer state, or int
 * {@link #OPTIMIZER_SHARDED} and its own ranges of it (int R, R × (int from, int to), each
 * array's floats there), then the step; sharded, every other task sends the type and its
 * ranges, and with one optimizer state per worker the type and its own. A failed step sends
 * {@link DirectTask#FAILED} (or {@link #DIVERGED}) and a reason line. A stage that runs on
 * (several epochs, no Spark job between them) goes on after the end: every task sends
 * {@link #EVAL} and its validation shard's {@link org.sparkprop.driver.eval.EvalSums} if the
 * stage has validation shards, then reads the driver's int {@link #STOP}, or {@link #NEXT}
 * and the next epoch's int epoch, first and end step and long step of the last checkpoint,
 * and runs that epoch on the same ring.
 *
 * <p>Per sync the ring reduces one buffer ({@link RingSyncs}): gradient sync: the gradient sum
 * (n), state × rows (S), rows, correct, the loss sum as two floats (high and low parts) and
 * the previous step's squared-norm part as two floats, in buckets while the backward pass
 * runs ({@link BucketedAllReduce}); parameter averaging: parameters × rows, state × rows, the
 * optimizer state × rows when averaged, then rows, correct and the loss sum.
 */
final class RingTask extends EpochTask {
  static final int DIVERGED = 2;
  static final int PROGRESS = 10;
  /** Task 0 reports its totals at most this often (and before every snapshot and the end). */
  static final long REPORT_NANOS = 1_000_000_000L;
  static final int SNAPSHOT = 11;
  static final int END = 12;
  /** Task → driver after an epoch of a stage that runs on: its validation shard's sums. */
  static final int EVAL = 13;
  /** Driver → task after an epoch of a stage that runs on: stop here. */
  static final int STOP = 0;
  /** Driver → task: go on with the epoch that follows (int epoch, first step, end step). */
  static final int NEXT = 1;
  static final int TAIL = 4;
  private static final long serialVersionUID = 1L;
  final int checkpointEvery;
  final boolean averageOptimizerState;
  final int bucketFloats;
  final boolean shardOptimizer;
  final boolean bf16;
  private final boolean sharedMemory;
  /** Whether the stage runs on into the following epochs while the driver says so. */
  final boolean runsOn;
  /** A multi-label prediction's threshold in the validation sums. */
  final float threshold;
  /** Run state message: task 0's optimizer state follows whole. */
  static final int OPTIMIZER_WHOLE = 0;
  /** Run state message: every task sends the ranges of the optimizer state it owns. */
  static final int OPTIMIZER_SHARDED = 1;

  RingTask(WorkerSpec work, Plan plan, Endpoint driver, int checkpointEvery,
      boolean averageOptimizerState, RingOptions options, boolean runsOn, float threshold) {
    super(work, plan, driver);
    this.runsOn = runsOn;
    this.threshold = threshold;
    this.bucketFloats = options.bucketFloats();
    this.shardOptimizer = options.shardOptimizer();
    this.bf16 = options.precision() == WirePrecision.BF16;
    this.sharedMemory = options.sharedMemory();
    this.checkpointEvery = checkpointEvery;
    this.averageOptimizerState = averageOptimizerState;
  }

  @Override
  long run(ShardWorker w, Block block, List<Block> validation, TaskContext ctx,
      int partition) {
    SparkEnv env = SparkEnv.get();
    String host = env.blockManager().blockManagerId().host();
    try (ServerSocket ringServer = new ServerSocket()) {
      ringServer.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 64);
      try (Wire wire = connect(ctx, partition)) {
        wire.out.writeUTF(host);
        wire.out.writeInt(ringServer.getLocalPort());
        wire.out.flush();
        long session = wire.in.readLong();
        int p = wire.in.readInt();
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int q = 0; q < p; q++) {
          peers.add(new InetSocketAddress(wire.in.readUTF(), wire.in.readInt()));
        }
        // All the driver sends (this task's chunk of the start state) is read before joining
        // the ring: the driver writes to each task in turn, and a task waiting in the ring for
        // one the driver has not reached yet would leave the driver blocked on a full socket.
        RingSyncs syncs = new RingSyncs(this, w, block, validation, wire, partition, p);
        try (Ring ring = Ring.join(partition, peers, ringServer, session, security(env),
            driver.timeoutMillis(), sharedMemory)) {
          return syncs.run(ring);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("partition " + partition + ": " + e.getMessage(), e);
    }
  }

  /**
   * The peers' security under the cluster's settings: with spark.authenticate, a key derived
   * from Spark's secret (which never leaves the process); with spark.network.crypto.enabled
   * too, sealed frames.
   */
  static PeerSecurity security(SparkEnv env) {
    if (!env.securityManager().isAuthenticationEnabled()) {
      return PeerSecurity.none();
    }
    try {
      byte[] key = MessageDigest.getInstance("SHA-256").digest(("sparkprop ring\0"
          + env.securityManager().getSecretKey()).getBytes(StandardCharsets.UTF_8));
      return PeerSecurity.withSecret(key,
          env.conf().getBoolean("spark.network.crypto.enabled", false));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
