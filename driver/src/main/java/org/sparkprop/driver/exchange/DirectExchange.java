package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.sparkprop.driver.Errors;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.spark.SparkContexts;
import org.sparkprop.driver.worker.Plan;
import org.sparkprop.driver.worker.WorkerSpec;
import org.sparkprop.trainer.train.DivergenceException;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The exchanges of Spark barrier stages whose tasks connect to the driver's
 * {@link StepServer} (no Spark job per step): one stage per epoch, or with the ring one for
 * all epochs while nothing between them needs a Spark job. Direct ({@link DirectTask}): every
 * sync each partition sends its sums, the driver reads them in partition order, combines them
 * and writes the new parameters back to each partition in turn. Ring ({@link RingTask}): the
 * driver hands out the peers' addresses and the start state, the tasks all-reduce and step
 * among themselves, and the driver follows task 0's totals, snapshots and end state, and
 * every task's validation sums.
 *
 * <p>Spark never retries a failed barrier result stage ("Could not recover from a failed
 * barrier ResultStage"), so this does: when a worker dies, the epoch it was in restarts from
 * its first state as a new job (its lost cached shards are rebuilt from their broadcasts),
 * computing exactly what the first try would have; as many tries as Spark gives a task (F of
 * a local[N,F] master, else spark.task.maxFailures).
 */
final class DirectExchange implements EpochRunner {
  private static final int TASK_FAILURE_WAIT_SECONDS = 10;
  /** A sync message's header: status, loss sum, correct, rows, compute nanoseconds. */
  private static final int SYNC_HEADER_BYTES = 4 + 8 + 8 + 8 + 8;
  private final JavaSparkContext sc;
  private final WorkerSpec work;
  private final StepServer server;
  private final int timeoutMillis;
  /** The ring exchange: tasks all-reduce among themselves ({@link RingTask}). */
  private final boolean ring;
  private final SecureRandom sessions = new SecureRandom();
  private final RingOptions ringOptions;
  /** The epoch the stage running is in (where a retry starts). */
  private Plan current;

  /** ringOptions: the ring exchange ({@link RingTask}) as they say; null: the direct one. */
  DirectExchange(JavaSparkContext sc, WorkerSpec work, int timeoutMillis,
      RingOptions ringOptions) throws IOException {
    this.sc = sc;
    this.ringOptions = ringOptions;
    this.ring = ringOptions != null;
    this.work = work;
    this.timeoutMillis = timeoutMillis;
    String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
    String bind = sc.getConf().get("spark.driver.bindAddress", host);
    this.server = new StepServer(host, bind, timeoutMillis,
        sc.getConf().getBoolean("spark.network.crypto.enabled", false));
  }

  @Override
  public void runEpoch(JavaRDD<Block> train, Plan plan, DriverSide driver)
      throws IOException, InterruptedException {
    runStage(train.rdd(), false, 0.5f, plan, driver, null);
  }

  /**
   * The ring runs epochs on in one stage while the trainer needs no Spark job between them
   * (validation, if any, evaluated by the tasks on shards partitioned as the training ones);
   * otherwise, and for the direct exchange, one stage per epoch.
   */
  @Override
  public void runEpochs(JavaRDD<Block> train, JavaRDD<Block> validation, float threshold,
      boolean mayRunOn, Plan first, DriverSide driver, EpochEnds ends)
      throws IOException, InterruptedException {
    if (!ring || !mayRunOn || validation != null
        && validation.getNumPartitions() != train.getNumPartitions()) {
      EpochRunner.super.runEpochs(train, validation, threshold, mayRunOn, first, driver, ends);
      return;
    }
    RDD<Block> input = validation == null ? train.rdd()
        : new ShardsWithValidation(train.rdd(), validation.rdd());
    ends.starting(first);
    try {
      runStage(input, validation != null, threshold, first, driver, ends);
    } catch (EndOfEpochFailure e) {
      throw e.getCause();
    }
  }

  /**
   * One barrier stage from plan's epoch, retried from the epoch it was in when a worker was
   * lost; ends: null for a single epoch, else the trainer's part after every epoch (the ring
   * runs on while it returns a next plan). evaluates: the tasks hold validation shards.
   */
  private void runStage(RDD<Block> input, boolean evaluates, float threshold, Plan plan,
      DriverSide driver, EpochEnds ends) throws IOException, InterruptedException {
    int partitions = input.getNumPartitions();
    driver.markEpochStart();
    current = plan;
    ClassTag<Long> tag = ClassTag$.MODULE$.apply(Long.class);
    int tries = SparkContexts.taskTries(sc.master(),
        sc.getConf().getInt("spark.task.maxFailures", 4));
    for (int attempt = 0; ; attempt++) {
      plan = current;
      server.newEpoch();
      Endpoint at = new Endpoint(server.host(), server.port(), server.key(), server.seals(),
          timeoutMillis, attempt);
      EpochTask task = ring
          ? new RingTask(work, plan, at, driver.checkpointEvery(),
              driver.averagesOptimizerState(), ringOptions, ends != null, threshold)
          : new DirectTask(work, plan, at);
      RDD<Long> tasks = input.barrier().mapPartitions(task, false, tag);
      String epochs = ends == null ? "epoch " + plan.epoch()
          : "epochs " + plan.epoch() + "–" + plan.totalSteps() / plan.stepsPerEpoch();
      sc.setJobDescription(String.format(Locale.ROOT, "%s · steps %d–%d (%s, %s)%s", epochs,
          plan.firstStep() + 1, plan.stepsPerEpoch(),
          plan.averageParams() ? "parameter averaging" : "gradient sync",
          ring ? "ring" : "direct", attempt == 0 ? "" : " · retry " + attempt));
      JavaFutureAction<List<Long>> job = new JavaRDD<>(tasks, tag).collectAsync();
      try {
        server.acceptAll(plan.epoch(), attempt, partitions, job);
        if (ring) {
          try {
            new RingFollower(server, work.model(), sessions.nextLong(), p -> current = p)
                .follow(driver, partitions, plan, ends, evaluates, threshold);
          } catch (IOException e) {
            throw firstReportedFailure(partitions, e);
          }
        } else {
          sendAll(driver, partitions, plan.averageParams());
          for (int j = plan.firstStep(); j < plan.endStep(); ) {
            int count = plan.stepsInSync(j);
            sync(driver, partitions, plan, j, count);
            j += count;
          }
        }
        job.get();
        return;
      } catch (IOException | ExecutionException e) {
        server.closeAll();
        Throwable why = e instanceof IOException lost && !(e instanceof WorkerFailedException)
            ? taskFailure(job, lost) : e;
        job.cancel(true);
        if (attempt + 1 >= tries) {
          throw new SparkJobException("epoch " + current.epoch() + " failed"
              + (tries > 1 ? " " + tries + " times" : "") + ": " + Errors.rootMessage(why), why);
        }
        driver.log("epoch " + current.epoch() + ": lost a worker (" + Errors.rootMessage(why)
            + "); restarting the epoch from its start (retry " + (attempt + 1) + " of "
            + (tries - 1) + ")");
        driver.rollBack();
      } catch (RuntimeException | InterruptedException e) {
        job.cancel(true);
        throw e;
      } finally {
        server.closeAll();
        sc.setJobDescription(null);
      }
    }
  }

  /** The trainer's part between epochs failed (a checkpoint not written, say): not a retry. */
  static final class EndOfEpochFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EndOfEpochFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /** A task reported that its step failed; the message is its reason. */
  static final class WorkerFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    WorkerFailedException(String reason) {
      super(reason);
    }
  }

  /**
   * Why a connection broke: the failed task's own error when the job ends with one within a
   * few seconds (its connection closing is usually what the driver saw first), else lost.
   */
  private static Throwable taskFailure(JavaFutureAction<?> job, IOException lost)
      throws InterruptedException {
    try {
      job.get(TASK_FAILURE_WAIT_SECONDS, TimeUnit.SECONDS);
      return lost;
    } catch (ExecutionException e) {
      return e;
    } catch (TimeoutException | CancellationException e) {
      return lost;
    }
  }

  /** One sync: read every partition's sums in partition order, combine, send back. */
  private void sync(DriverSide driver, int partitions, Plan plan, int j, int count)
      throws IOException {
    long t0 = System.nanoTime();
    float[] a = driver.paramSums();
    float[] b = driver.stateSums();
    Arrays.fill(a, 0f);
    Arrays.fill(b, 0f);
    int n = a.length;
    double lossSum = 0;
    long correct = 0;
    long rows = 0;
    long maxCompute = 0;
    boolean avg = plan.averageParams();
    boolean avgOpt = avg && driver.averagesOptimizerState();
    if (avgOpt) {
      for (float[] o : driver.optimizerState(0)) {
        Arrays.fill(o, 0f);
      }
    }
    for (int q = 0; q < partitions; q++) {
      Wire w = server.wire(q);
      if (w.in.readInt() != DirectTask.OK) {
        throw new WorkerFailedException(DirectTask.oneLine(w.in.readUTF()));
      }
      lossSum += w.in.readDouble();
      correct += w.in.readLong();
      long r = w.in.readLong();
      rows += r;
      maxCompute = Math.max(maxCompute, w.in.readLong());
      // Parameters are averaged weighted by rows; gradients are already sums.
      w.readAdd(a, 0, n, avg ? (float) r : 1f);
      w.readAdd(b, 0, b.length, (float) r);
      if (avg) {
        for (float[] o : driver.optimizerState(q)) {
          if (avgOpt) {
            w.readAdd(o, 0, n, (float) r);
          } else {
            w.readFloats(o, 0, n);
          }
        }
      }
    }
    long t1 = System.nanoTime();
    driver.combine(a, b, lossSum, correct, rows, plan, j, count);
    long t2 = System.nanoTime();
    sendAll(driver, partitions, avg);
    long t3 = System.nanoTime();
    // A worker sends its header and payload and receives the payload back.
    long payload = 4L * (n + b.length + (avg ? (long) driver.optimizerState(0).length * n : 0));
    driver.addSyncTime(maxCompute, Math.max(0, t1 - t0 - maxCompute) + (t3 - t2), t2 - t1,
        SYNC_HEADER_BYTES + 2 * payload);
    driver.afterSync(plan, j + count);
  }

  /**
   * When task 0's stream breaks, the task that failed first has usually told the driver why on
   * its own connection: that reason, if one arrives within a second, else cause.
   */
  private IOException firstReportedFailure(int partitions, IOException cause) {
    long until = System.currentTimeMillis() + 1000;
    // Only a stream's next message can be a failure report: once it is anything else (the
    // task's part of a snapshot, say), that stream says nothing more about why.
    boolean[] done = new boolean[partitions];
    try {
      while (System.currentTimeMillis() < until) {
        for (int q = 1; q < partitions; q++) {
          Wire w = server.wire(q);
          if (!done[q] && w.in.available() >= 4) {
            done[q] = true;
            int t = w.in.readInt();
            if (t == DirectTask.FAILED || t == RingTask.DIVERGED) {
              String reason = DirectTask.oneLine(w.in.readUTF());
              if (t == RingTask.DIVERGED) {
                throw new DivergenceException(reason);
              }
              return new WorkerFailedException(reason);
            }
          }
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      return cause;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return cause;
  }

  private void sendAll(DriverSide driver, int partitions, boolean avg) throws IOException {
    float[] p = driver.params();
    float[] s = driver.state();
    for (int q = 0; q < partitions; q++) {
      Wire w = server.wire(q);
      w.writeFloats(p, 0, p.length);
      w.writeFloats(s, 0, s.length);
      if (avg) {
        for (float[] o : driver.optimizerState(q)) {
          w.writeFloats(o, 0, o.length);
        }
      }
      w.out.flush();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
