package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.TaskContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.driver.worker.WorkerSpec;

/**
 * The executor side of the direct exchange: one long task per partition and epoch (a barrier
 * stage, so all partitions run at once) that keeps a TCP connection to the driver and, per
 * sync, sends its gradient sum (or, averaging parameters, its parameters and optimizer state)
 * and receives the new parameters. The driver does the combining and the optimizer step, so
 * the result is the same algorithm as one Spark job per step, without a job per step.
 *
 * <p>Protocol (big-endian header, little-endian float payload). Worker → driver hello, five
 * fields: long token, int epoch, int driver try, int Spark stage attempt, int partition.
 * Driver → worker: payload (parameters n, state S, and with parameter averaging the O
 * optimizer state arrays). Then per sync: worker → driver: int status {@link #OK}, double
 * loss sum, long correct, long rows, long compute ns, payload (gradient sum n and state S; or
 * parameters, state, optimizer state); driver → worker: payload. A task whose step fails
 * sends status {@link #FAILED} and a UTF line with the reason instead, then ends.
 */
final class DirectTask extends EpochTask {
  /**
   * For tests of the epoch retry: a Spark local property "E:S:P" makes partition P fail at
   * local step S of epoch E, on the driver's first try of that epoch only.
   */
  static final String FAIL_AT = "sparkprop.test.failAt";
  /** A sync message's status: its sums follow. */
  static final int OK = 0;
  /** A sync message's status: the task failed; a UTF line with the reason follows. */
  static final int FAILED = 1;
  private static final int MAX_REASON = 1000;
  private static final long serialVersionUID = 1L;

  DirectTask(WorkerSpec work, Plan plan, Endpoint driver) {
    super(work, plan, driver);
  }

  @Override
  long run(ShardWorker w, Block block, List<Block> validation, TaskContext ctx,
      int partition) {
    int n = w.paramCount();
    float[] p = new float[n];
    float[] s = new float[w.stateCount()];
    List<float[]> opt = plan.averageParams() ? w.optimizer().state() : List.of();
    int failStep = injectedFailureStep(ctx.getLocalProperty(FAIL_AT), plan, driver, partition);
    long busy = 0;
    try (Wire wire = connect(ctx, partition)) {
      Transfer send = wire::writeFloats;
      Transfer receive = wire::readFloats;
      payload(receive, p, s, opt);
      for (int j = plan.firstStep(); j < plan.endStep(); ) {
        int count = plan.stepsInSync(j);
        long t0 = System.nanoTime();
        try {
          if (j <= failStep && failStep < j + count) {
            throw new IllegalStateException("injected failure at epoch " + plan.epoch()
                + ", step " + failStep);
          }
          if (plan.averageParams()) {
            w.localSteps(p, s, j, count, plan.globalStep(j), plan.totalSteps());
          } else {
            w.gradientSum(p, s, j, plan.globalStep(j));
          }
        } catch (RuntimeException e) {
          // Tell the driver why before the connection closes: its log names the cause.
          wire.tellFailure(FAILED, oneLine("partition " + partition + ": " + e));
          throw e;
        }
        long t = System.nanoTime() - t0;
        busy += t;
        wire.out.writeInt(OK);
        wire.out.writeDouble(w.lossSum());
        wire.out.writeLong(w.correct());
        wire.out.writeLong(w.rows());
        wire.out.writeLong(t);
        payload(send, plan.averageParams() ? p : w.gradient(), s, opt);
        wire.out.flush();
        payload(receive, p, s, opt);
        j += count;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("partition " + partition + ": lost the connection to the "
          + "driver at " + driver.host() + ":" + driver.port() + ": " + e.getMessage(), e);
    }
    return busy;
  }

  /** The first line of s, at most MAX_REASON characters. */
  static String oneLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl >= 0 ? s.substring(0, nl) : s;
    return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) : line;
  }

  /** The local step at which FAIL_AT (failAt) fails this task of plan, or -1. */
  static int injectedFailureStep(String failAt, Plan plan, Endpoint driver, int partition) {
    if (failAt == null || driver.attempt() > 0) {
      return -1;
    }
    String[] f = failAt.split(":");
    return Integer.parseInt(f[0]) == plan.epoch() && Integer.parseInt(f[2]) == partition
        ? Integer.parseInt(f[1]) : -1;
  }

  /** One of Wire's bulk float transfers: len floats of a from off, out or in. */
  private interface Transfer {
    void apply(float[] a, int off, int len) throws IOException;
  }

  /** The payload of a message, in protocol order: a (n), s (S), then each optimizer array. */
  private static void payload(Transfer t, float[] a, float[] s, List<float[]> opt)
      throws IOException {
    t.apply(a, 0, a.length);
    t.apply(s, 0, s.length);
    for (float[] o : opt) {
      t.apply(o, 0, o.length);
    }
  }
}
