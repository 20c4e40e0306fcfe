package org.sparkprop.trainer.train;

import java.util.concurrent.Phaser;
import java.util.function.IntConsumer;

/**
 * Runs one task on T workers (the caller is worker 0) and waits for all: the single-JVM
 * data-parallel path. Pass a task object built once; {@link #run} itself allocates nothing.
 */
public final class WorkerPool implements AutoCloseable {
  private final int size;
  private final Thread[] threads;
  private final Phaser start;
  private final Phaser done;
  private volatile IntConsumer task;
  private volatile boolean closed;
  private volatile Throwable failure;

  public WorkerPool(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("pool size must be positive");
    }
    this.size = size;
    this.start = new Phaser(size);
    this.done = new Phaser(size);
    this.threads = new Thread[size - 1];
    for (int i = 1; i < size; i++) {
      final int id = i;
      Thread t = new Thread(() -> loop(id), "sparkprop-worker-" + i);
      t.setDaemon(true);
      threads[i - 1] = t;
      t.start();
    }
  }

  public int size() {
    return size;
  }

  private void loop(int id) {
    while (true) {
      start.arriveAndAwaitAdvance();
      if (closed) {
        return;
      }
      try {
        task.accept(id);
      } catch (Throwable t) {
        failure = t;
      }
      done.arriveAndAwaitAdvance();
    }
  }

  /** Runs task(0..T−1) in parallel and returns when all have finished; rethrows a failure. */
  public void run(IntConsumer t) {
    if (size == 1) {
      t.accept(0);
      return;
    }
    this.task = t;
    start.arriveAndAwaitAdvance();
    try {
      t.accept(0);
    } catch (Throwable e) {
      failure = e;
    }
    done.arriveAndAwaitAdvance();
    Throwable f = failure;
    if (f != null) {
      failure = null;
      if (f instanceof RuntimeException re) {
        throw re;
      }
      if (f instanceof Error er) {
        throw er;
      }
      throw new IllegalStateException(f);
    }
  }

  @Override
  public void close() {
    if (size > 1 && !closed) {
      closed = true;
      start.arriveAndAwaitAdvance();
    }
  }
}
