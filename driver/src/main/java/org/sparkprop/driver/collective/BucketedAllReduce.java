package org.sparkprop.driver.collective;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * All-reduces one buffer in fixed buckets on a communication thread of its own, each bucket as
 * soon as the computing thread says it is final, as PyTorch's DistributedDataParallel does with
 * the gradient during the backward pass: the last layers' gradient travels while the first
 * layers' is still being computed. Bucket b is the range [lo[b], hi[b]), sent in order b = 0,
 * 1, …; bucket 0 ends at the buffer's end and the last one starts at 0.
 *
 * <p>The buckets are fixed when it is built and the collective sums each in its own fixed
 * order, so the result does not depend on timing: the same bits in every run for a given
 * number of peers. Per pass: {@link #begin}, then {@link #ready} as the final part grows from
 * the end towards 0 (it must reach 0), then {@link #await}. Nothing is allocated per pass.
 *
 * <p>Sharded (ZeRO stage 1): buckets below {@code scatterBelow} are only reduce-scattered, so
 * after {@link #await} this peer holds the sums of its own part of each of them
 * ({@link #ownedFrom}, {@link #ownedTo}), updates its parameters there, and
 * {@link #allGather} then spreads every peer's part of an array to all.
 */
public final class BucketedAllReduce implements AutoCloseable {
  private final Collective collective;
  private final float[] buf;
  private final int[] lo;
  private final int[] hi;
  private final Semaphore ready = new Semaphore(0);
  private final Semaphore done = new Semaphore(0);
  private final int scatterBelow;
  private final int bf16Below;
  private final Thread thread;
  /** Not null: no communication thread; the computing thread moves the buckets. */
  private final PolledBuckets polled;
  /** The scattered buckets' ranges, in bucket order: what {@link #allGather} gathers. */
  private final int[] gatherOffs;
  private final int[] gatherLens;
  private volatile Exception failure;
  private volatile boolean closed;
  private int released;

  /**
   * Reduces buf[0, end) over collective, cut at the given boundaries (offsets into buf, each in
   * (0, end), any order; duplicates ignored).
   */
  public BucketedAllReduce(Collective collective, float[] buf, int end, int[] cuts) {
    this(collective, buf, end, cuts, 0);
  }

  /**
   * As above, but the buckets that start below scatterBelow (a cut, or 0 for none) are only
   * reduce-scattered.
   */
  public BucketedAllReduce(Collective collective, float[] buf, int end, int[] cuts,
      int scatterBelow) {
    this(collective, buf, end, cuts, scatterBelow, false, 0);
  }

  /**
   * As above; with bf16, the buckets that start below bf16Below (a cut, or 0 for none) are
   * reduce-scattered as bfloat16 (and, when not only scattered, all-gathered as floats). The
   * computing thread moves the buckets itself where {@link #pollsOn} says so.
   */
  public BucketedAllReduce(Collective collective, float[] buf, int end, int[] cuts,
      int scatterBelow, boolean bf16, int bf16Below) {
    this(collective, buf, end, cuts, scatterBelow, bf16, bf16Below, pollsOn(collective));
  }

  /**
   * As above; with poll (only where both of the ring's links go through shared memory, see
   * {@link #pollsOn}) there is no communication thread: the computing thread moves the
   * buckets in {@link #ready} and {@link #await} ({@link PolledBuckets}), with the same bits.
   */
  public BucketedAllReduce(Collective collective, float[] buf, int end, int[] cuts,
      int scatterBelow, boolean bf16, int bf16Below, boolean poll) {
    if (end <= 0 || end > buf.length) {
      throw new IllegalArgumentException("end " + end + " outside (0, " + buf.length + "]");
    }
    this.collective = collective;
    this.buf = buf;
    this.scatterBelow = scatterBelow;
    this.bf16Below = bf16 ? bf16Below : 0;
    int[] sorted = Arrays.stream(cuts).filter(c -> c > 0 && c < end).distinct()
        .sorted().toArray();
    int count = sorted.length + 1;
    lo = new int[count];
    hi = new int[count];
    int top = end;
    for (int b = 0; b < count; b++) {
      hi[b] = top;
      lo[b] = b == count - 1 ? 0 : sorted[sorted.length - 1 - b];
      top = lo[b];
    }
    if (scatterBelow != 0 && Arrays.binarySearch(sorted, scatterBelow) < 0) {
      throw new IllegalArgumentException("scatterBelow " + scatterBelow + " is not a cut");
    }
    int scatteredCount = 0;
    for (int b = 0; b < count; b++) {
      scatteredCount += lo[b] < scatterBelow ? 1 : 0;
    }
    gatherOffs = new int[scatteredCount];
    gatherLens = new int[scatteredCount];
    for (int b = 0, i = 0; b < count; b++) {
      if (lo[b] < scatterBelow) {
        gatherOffs[i] = lo[b];
        gatherLens[i++] = hi[b] - lo[b];
      }
    }
    SharedMemory[] links = poll && collective instanceof Ring ring ? ring.sharedLinks() : null;
    if (poll && links == null) {
      throw new IllegalArgumentException("only a ring whose links both go through shared "
          + "memory is polled");
    }
    if (links != null) {
      polled = new PolledBuckets((Ring) collective, links, buf, lo, hi, scatterBelow,
          this.bf16Below);
      thread = null;
    } else {
      polled = null;
      thread = new Thread(this::loop, "bucketed-all-reduce-" + collective.rank());
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Whether the computing thread should move the buckets itself: when both ring links go
   * through shared memory and this host runs at least as many of the ring's peers as this JVM
   * has processors, so no core is left for a communication thread that would not take one
   * from a computing thread (local mode, or one-core executors filling a host). With a core
   * to spare the thread moves the buckets while the pass computes, between release points too.
   */
  public static boolean pollsOn(Collective collective) {
    return collective instanceof Ring ring && ring.sharedLinks() != null
        && ring.peersOnHost() >= Runtime.getRuntime().availableProcessors();
  }

  /** Whether the computing thread moves the buckets itself (both ring links on this host). */
  public boolean polled() {
    return polled != null;
  }

  /**
   * Cuts for a gradient whose backward pass finishes it in tails starting at points (ascending,
   * the first at 0: the slices' starts, and the row blocks of a weight gradient computed a block
   * at a time): walking from the end, a bucket closes at the first point that makes it at least
   * minFloats long. Extra floats after the gradient (n to end) travel in bucket 0.
   */
  public static int[] cutsAtPoints(int[] points, int minFloats, int end) {
    List<Integer> cuts = new ArrayList<>();
    int top = end;
    for (int i = points.length - 1; i > 0; i--) {
      if (top - points[i] >= minFloats) {
        cuts.add(points[i]);
        top = points[i];
      }
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Buckets, in sending order. */
  public int buckets() {
    return lo.length;
  }

  /** The range of bucket b: {lo, hi}. */
  public int[] bucket(int b) {
    return new int[] {lo[b], hi[b]};
  }

  /** Whether bucket b is only reduce-scattered. */
  public boolean scattered(int b) {
    return lo[b] < scatterBelow;
  }

  /** The first element of this peer's part of bucket b (its sums after a reduce-scatter). */
  public int ownedFrom(int b) {
    return collective.ownedFrom(lo[b], hi[b] - lo[b]);
  }

  /** The end of this peer's part of bucket b. */
  public int ownedTo(int b) {
    return collective.ownedTo(lo[b], hi[b] - lo[b]);
  }

  /**
   * This peer's parts of the scattered buckets as ranges, in bucket order: {from0, to0, from1,
   * to1, …} (what it steps under a sharded optimizer).
   */
  public int[] ownedRanges() {
    int r = 0;
    for (int b = 0; b < buckets(); b++) {
      r += scattered(b) ? 2 : 0;
    }
    int[] out = new int[r];
    for (int b = 0, i = 0; b < buckets(); b++) {
      if (scattered(b)) {
        out[i++] = ownedFrom(b);
        out[i++] = ownedTo(b);
      }
    }
    return out;
  }

  /**
   * After {@link #await}, on the calling thread: all-gathers x over every scattered bucket's
   * range, so each peer's part of x reaches all peers (x is the parameters the peers updated
   * in their own parts).
   */
  public void allGather(float[] x) throws IOException {
    collective.allGather(x, gatherOffs, gatherLens, gatherOffs.length);
  }

  /** Starts a pass; the buffer's contents from now on belong to the pass. */
  public void begin() {
    released = 0;
    if (polled != null) {
      polled.begin();
    }
  }

  /**
   * buf[from, end) is final: every bucket inside it may go. Called by the computing thread with
   * decreasing from; from = 0 releases all.
   */
  public void ready(int from) {
    int r = released;
    while (r < lo.length && lo[r] >= from) {
      r++;
    }
    if (r > released) {
      int newly = r - released;
      released = r;
      if (polled == null) {
        ready.release(newly);
      } else if (failure == null) {
        try {
          polled.poll(r);
        } catch (IOException | RuntimeException e) {
          failure = e;
        }
      }
    }
  }

  /**
   * Waits until every bucket of the pass is reduced; throws the collective's failure (naming
   * the peer) if one failed.
   */
  public void await() throws IOException {
    if (released != lo.length) {
      throw new IllegalStateException("await before the whole buffer was ready (" + released
          + " of " + lo.length + " buckets released)");
    }
    if (polled == null) {
      done.acquireUninterruptibly();
    } else if (failure == null) {
      try {
        polled.finish(released);
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
    }
    Exception e = failure;
    if (e != null) {
      failure = null;
      if (e instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) e;
    }
  }

  private void loop() {
    while (true) {
      for (int b = 0; b < lo.length; b++) {
        ready.acquireUninterruptibly();
        if (closed) {
          return;
        }
        if (failure == null) {
          try {
            int len = hi[b] - lo[b];
            if (lo[b] < bf16Below) {
              collective.reduceScatter(buf, lo[b], len, true);
              if (lo[b] >= scatterBelow) {
                collective.allGather(buf, lo[b], len);
              }
            } else if (lo[b] < scatterBelow) {
              collective.reduceScatter(buf, lo[b], len);
            } else {
              collective.allReduce(buf, lo[b], len);
            }
          } catch (IOException | RuntimeException e) {
            failure = e;
          }
        }
      }
      done.release();
    }
  }

  /** Stops the communication thread (the collective is the caller's to close). */
  @Override
  public void close() {
    closed = true;
    ready.release(lo.length);
  }
}
