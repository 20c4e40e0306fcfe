package org.sparkprop.driver.spark;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of reading the data, shown while it lasts: a Spark listener that counts the tasks
 * of the jobs run meanwhile and the bytes they read and shuffled, and prints one line at most
 * every interval (the first after one interval, so a quick load prints nothing):
 * {@code loading data: 23 of 40 tasks (3 jobs), 1.21 GB read, 0.45 GB shuffled, 12 s}.
 * Lines come from Spark's listener thread; the counts are the executors' own task metrics.
 */
public final class LoadProgress extends SparkListener implements AutoCloseable {
  /** The commands' interval between lines, in seconds. */
  public static final double EVERY = 5;

  private final JavaSparkContext sc;
  private final Consumer<String> log;
  private final long intervalNanos;
  private final long t0 = System.nanoTime();
  private final AtomicInteger jobs = new AtomicInteger();
  private final AtomicInteger tasks = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong shuffled = new AtomicLong();
  private long lastLine;

  private LoadProgress(JavaSparkContext sc, Consumer<String> log, double intervalSeconds) {
    this.sc = sc;
    this.log = log;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
    this.lastLine = t0;
  }

  /** Shows progress on log until closed, a line at most every intervalSeconds. */
  public static LoadProgress start(JavaSparkContext sc, Consumer<String> log,
      double intervalSeconds) {
    LoadProgress p = new LoadProgress(sc, log, intervalSeconds);
    sc.sc().addSparkListener(p);
    return p;
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    jobs.incrementAndGet();
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted stage) {
    tasks.addAndGet(stage.stageInfo().numTasks());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    done.incrementAndGet();
    TaskMetrics m = end.taskMetrics();
    if (m != null) {
      read.addAndGet(m.inputMetrics().bytesRead());
      shuffled.addAndGet(m.shuffleWriteMetrics().bytesWritten());
    }
    long now = System.nanoTime();
    synchronized (this) {
      if (now - lastLine < intervalNanos) {
        return;
      }
      lastLine = now;
    }
    log.accept(line());
  }

  /** The progress so far, as the lines say it. */
  public String line() {
    int j = jobs.get();
    return String.format(Locale.ROOT, "loading data: %d of %d tasks (%d job%s), %s read, %s "
        + "shuffled, %.0f s", done.get(), tasks.get(), j, j == 1 ? "" : "s", size(read.get()),
        size(shuffled.get()), (System.nanoTime() - t0) / 1e9);
  }

  /** Bytes the tasks read so far (Hadoop's count: whole read buffers, a split's tail too). */
  long bytesRead() {
    return read.get();
  }

  /** bytes in words: B, KB, MB or GB (powers of 1000), three significant digits. */
  static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v,
        units[u]);
  }

  @Override
  public void close() {
    sc.sc().removeSparkListener(this);
  }
}
