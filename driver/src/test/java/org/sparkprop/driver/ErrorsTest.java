package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The one-line messages for failures that would otherwise be stack traces. */
class ErrorsTest {
  @Test
  void anExecutorOutOfHeapGetsAdviceAndLosesTheDriverStack() {
    String spark = "Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, most "
        + "recent failure: Lost task 0.3 in stage 1.0 (TID 5) (127.0.0.1 executor 2): "
        + "java.lang.OutOfMemoryError: Java heap space\n\nDriver stacktrace:\n\tat x.y(Z.java)";
    assertEquals("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, most "
        + "recent failure: Lost task 0.3 in stage 1.0 (TID 5) (127.0.0.1 executor 2): "
        + "java.lang.OutOfMemoryError: Java heap space — an executor ran out of heap: each "
        + "holds its shards for a whole epoch, so give executors more memory "
        + "(spark.executor.memory), use more partitions (--partitions), or store shards smaller "
        + "(--shard-storage bf16)", Errors.withMemoryAdvice(spark));
    String other = "Job aborted: file not found";
    assertSame(other, Errors.withMemoryAdvice(other));
  }

  @Test
  void theDriverOutOfHeapSaysWhereItsMemoryIsSet() {
    assertEquals("out of memory in the driver (heap 512 MB): give it more (spark-submit "
        + "--driver-memory, or SPARKPROP_JAVA_OPTS=-Xmx… for bin/sparkprop); in local mode the "
        + "executors' shards share this heap, so use a cluster, --shard-storage bf16 or fewer "
        + "rows", Errors.driverOutOfMemory(512L << 20));
  }
}
