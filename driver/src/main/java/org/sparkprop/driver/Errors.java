package org.sparkprop.driver;

/** One-line error messages from the exceptions that Spark and Hadoop wrap. */
public final class Errors {
  private Errors() {}

  /**
   * The innermost message of t's cause chain (the last cause that has one), first line only:
   * Spark's stage-failure text repeats the executor's exception and stack trace. Without any
   * message, the innermost cause's class name.
   */
  public static String rootMessage(Throwable t) {
    Throwable r = t;
    String msg = t.getMessage();
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
      if (r.getMessage() != null) {
        msg = r.getMessage();
      }
    }
    if (msg == null) {
      return r.getClass().getSimpleName();
    }
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl) : msg;
  }

  /**
   * What to say when the driver's JVM ran out of heap (maxHeap bytes): where the memory is set
   * and that in local mode the executors share it.
   */
  public static String driverOutOfMemory(long maxHeap) {
    return "out of memory in the driver (heap " + (maxHeap >> 20) + " MB): give it more "
        + "(spark-submit --driver-memory, or SPARKPROP_JAVA_OPTS=-Xmx… for bin/sparkprop); in "
        + "local mode the executors' shards share this heap, so use a cluster, "
        + "--shard-storage bf16 or fewer rows";
  }

  /**
   * message, with advice appended when it reports an executor out of heap (Spark's job
   * failure names the executor's OutOfMemoryError).
   */
  public static String withMemoryAdvice(String message) {
    if (message == null || !message.contains("java.lang.OutOfMemoryError")) {
      return message;
    }
    int cut = message.indexOf("\n\nDriver stacktrace:");
    String m = cut > 0 ? message.substring(0, cut) : message;
    return m + " — an executor ran out of heap: each holds its shards for a whole epoch, so "
        + "give executors more memory (spark.executor.memory), use more partitions "
        + "(--partitions), or store shards smaller (--shard-storage bf16)";
  }
}
