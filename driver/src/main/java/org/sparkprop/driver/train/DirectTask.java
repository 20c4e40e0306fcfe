package org.sparkprop.driver.train;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.apache.spark.TaskContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.train.TrainConfig;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The executor side of the direct exchange: one long task per partition and epoch (a barrier
 * stage, so all partitions run at once) that keeps a TCP connection to the driver and, per
 * sync, sends its gradient sum (or, averaging parameters, its parameters and optimizer state)
 * and receives the new parameters. The driver does the combining and the optimizer step, so
 * the result is the same algorithm as one Spark job per step, without a job per step.
 *
 * <p>Protocol (big-endian header, little-endian float payload): worker → driver hello: long
 * token, int epoch, int stage attempt, int partition. Driver → worker: payload (parameters n,
 * state S, and with parameter averaging the optimizer state arrays). Then per sync: worker →
 * driver: double loss sum, long correct, long rows, long compute ns, payload (gradient sum n
 * and state S; or parameters, state, optimizer state); driver → worker: payload.
 */
final class DirectTask extends AbstractFunction1<Iterator<Block>, Iterator<Long>>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private final MlpSpec spec;
  private final TrainConfig cfg;
  private final Plan plan;
  private final String device;

  DirectTask(MlpSpec spec, TrainConfig cfg, Plan plan, String device) {
    this.spec = spec;
    this.cfg = cfg;
    this.plan = plan;
    this.device = device;
  }

  @Override
  public Iterator<Long> apply(Iterator<Block> blocks) {
    Block block = blocks.next();
    TaskContext ctx = TaskContext.get();
    int partition = ctx.partitionId();
    ShardWorker w = new ShardWorker(spec, cfg, partition, device);
    try {
      return run(w, ctx, block, partition);
    } finally {
      w.close();
    }
  }

  private Iterator<Long> run(ShardWorker w, TaskContext ctx, Block block, int partition) {
    w.beginEpoch(block, plan.epoch(), plan.rowsPerEpoch());
    int n = w.paramCount();
    float[] p = new float[n];
    float[] s = new float[w.stateCount()];
    List<float[]> opt = plan.averageParams() ? w.optimizer().state() : List.of();
    long busy = 0;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(plan.host(), plan.port()), plan.timeoutMillis());
      try (Wire wire = new Wire(socket, plan.timeoutMillis())) {
        wire.out.writeLong(plan.token());
        wire.out.writeInt(plan.epoch());
        wire.out.writeInt(plan.attempt());
        wire.out.writeInt(ctx.stageAttemptNumber());
        wire.out.writeInt(partition);
        wire.out.flush();
        readPayload(wire, p, s, opt);
        for (int j = plan.firstStep(); j < plan.endStep(); ) {
          int count = plan.stepsInSync(j);
          long t0 = System.nanoTime();
          if (plan.averageParams()) {
            w.localSteps(p, s, j, count, plan.globalStep(j), plan.totalSteps());
          } else {
            w.gradientSum(p, s, j, plan.globalStep(j));
          }
          long t = System.nanoTime() - t0;
          busy += t;
          wire.out.writeDouble(w.lossSum);
          wire.out.writeLong(w.correct);
          wire.out.writeLong(w.rows);
          wire.out.writeLong(t);
          if (plan.averageParams()) {
            writePayload(wire, p, s, opt);
          } else {
            writePayload(wire, w.gradient(), s, opt);
          }
          wire.out.flush();
          readPayload(wire, p, s, opt);
          j += count;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("partition " + partition + ": lost the connection to the "
          + "driver at " + plan.host() + ":" + plan.port() + ": " + e.getMessage(), e);
    }
    return scala.collection.Iterator$.MODULE$.single(busy);
  }

  private static void writePayload(Wire wire, float[] a, float[] s, List<float[]> opt)
      throws IOException {
    wire.writeFloats(a, 0, a.length);
    wire.writeFloats(s, 0, s.length);
    for (float[] o : opt) {
      wire.writeFloats(o, 0, o.length);
    }
  }

  private static void readPayload(Wire wire, float[] p, float[] s, List<float[]> opt)
      throws IOException {
    wire.readFloats(p, 0, p.length);
    wire.readFloats(s, 0, s.length);
    for (float[] o : opt) {
      wire.readFloats(o, 0, o.length);
    }
  }
}
