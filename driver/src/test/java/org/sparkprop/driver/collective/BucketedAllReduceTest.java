package org.sparkprop.driver.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bucketed all-reduce on a ring of P peers in one JVM on loopback: each bucket reduced as
 * the ring reduces that range alone (so the bits depend on the cuts, never on timing), the
 * buffer released bucket by bucket from its end while the caller keeps writing the rest,
 * several passes on the same thread, the cuts at slice boundaries, and a failing peer.
 */
@Timeout(120)
class BucketedAllReduceTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void cutsCloseABucketAtTheFirstSliceThatMakesItLongEnough() {
    // Slices of 10, 100, 5, 1000, 3 floats starting at 0, 10, 110, 115, 1115; 20 extra after.
    int[] starts = {0, 10, 110, 115, 1115};
    int end = 1118 + 20;
    assertArrayEquals(new int[] {1115, 115, 10}, BucketedAllReduce.cutsAtPoints(starts, 16,
        end));
    assertArrayEquals(new int[] {115}, BucketedAllReduce.cutsAtPoints(starts, 500, end));
    assertArrayEquals(new int[0], BucketedAllReduce.cutsAtPoints(starts, 2000, end));
    assertArrayEquals(new int[] {1115, 115, 110, 10}, BucketedAllReduce.cutsAtPoints(starts, 1,
        end));
  }

  @ParameterizedTest(name = "P = {0}, n = {1}, cuts {2}, polled {3}")
  @CsvSource({"1,100,50,false", "2,7,3,false", "2,70000,65536 100,false",
      "3,200003,131072 65535 3,false", "4,131075,65536,false", "7,300,299 298 1,false",
      "2,1000,'',false", "2,7,3,true", "2,70000,65536 100,true", "3,200003,131072 65535 3,true",
      "4,131075,65536,true", "7,300,299 298 1,true", "2,1000,'',true",
      "2,1200000,1000000 600000 100,true"})
  void everyBucketIsTheRingsSumOfItsRangeWhateverTheTiming(int p, int n, String cutList,
      boolean poll) throws Exception {
    int[] cuts = cutList.isBlank() ? new int[0]
        : Arrays.stream(cutList.trim().split(" ")).mapToInt(Integer::parseInt)
            .toArray();
    float[][] a = RingTest.inputs(p, n, false, 17L * p + n);
    // Expected: the ring's order within each bucket [lo, hi).
    int[] bounds = IntStream.concat(IntStream.of(0, n),
        Arrays.stream(cuts)).distinct().sorted().toArray();
    float[] expected = a[0].clone();
    if (p > 1) {
      for (int b = 0; b + 1 < bounds.length; b++) {
        float[] part = RingTest.ringSum(a, bounds[b], bounds[b + 1] - bounds[b]);
        System.arraycopy(part, bounds[b], expected, bounds[b], bounds[b + 1] - bounds[b]);
      }
    }
    ServerSocket[] servers = RingTest.listen(p);
    ExecutorService pool = Executors.newFixedThreadPool(p);
    try {
      List<Future<float[]>> results = RingTest.peers(p, r -> PeerSecurity.none(),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 20_000,
          ring -> {
            float[] buf = new float[n];
            float[] first = null;
            try (BucketedAllReduce reduce = new BucketedAllReduce(ring, buf, n, cuts, 0,
                false, 0, poll)) {
              assertEquals(bounds.length - 1, reduce.buckets());
              assertEquals(poll, reduce.polled());
              for (int pass = 0; pass < 3; pass++) {
                reduce.begin();
                // Write the buffer from its end in pieces, releasing as we go, and stagger
                // the peers so buckets leave at different times on each.
                for (int hi = n; hi > 0; ) {
                  int lo = Math.max(0, hi - 997);
                  System.arraycopy(a[ring.rank()], lo, buf, lo, hi - lo);
                  if (ring.rank() % 2 == 1) {
                    Thread.sleep(0, 200_000);
                  }
                  reduce.ready(lo);
                  hi = lo;
                }
                reduce.await();
                if (first == null) {
                  first = buf.clone();
                } else {
                  assertArrayEquals(first, buf, "pass " + pass + " differs from the first");
                }
              }
            }
            return first;
          }, pool);
      for (int q = 0; q < p; q++) {
        assertArrayEquals(expected, results.get(q).get(60, TimeUnit.SECONDS), "peer " + q);
      }
    } finally {
      pool.shutdownNow();
      RingTest.closeAll(servers);
    }
  }

  /**
   * The computing thread moving the buckets itself (both links through shared memory) sums,
   * scatters and rounds to bfloat16 exactly as the communication thread does, and moves the
   * same bytes: sharded (the buckets below a cut only reduce-scattered), the lower buckets as
   * bfloat16, with buckets of several frames and peers released at different times.
   */
  @ParameterizedTest(name = "P = {0}")
  @CsvSource({"2", "3", "4"})
  void thePolledPassGivesTheCommunicationThreadsBitsAndBytes(int p) throws Exception {
    int n = 700_001;
    int[] cuts = {300_000, 500_000, 650_000, 699_000};
    float[][] a = RingTest.inputs(p, n, false, 5L * p);
    onRing(p, 20_000, ring -> {
      float[][] out = new float[2][];
      long[] bytes = new long[2];
      for (int mode = 0; mode < 2; mode++) {
        float[] buf = new float[n];
        long b0 = ring.bytesSent() + ring.bytesReceived();
        try (BucketedAllReduce reduce = new BucketedAllReduce(ring, buf, n, cuts,
            650_000, true, 500_000, mode == 1)) {
          reduce.begin();
          for (int hi = n; hi > 0; ) {
            int lo = Math.max(0, hi - 50_000);
            System.arraycopy(a[ring.rank()], lo, buf, lo, hi - lo);
            if ((ring.rank() + mode) % 2 == 1) {
              Thread.sleep(0, 300_000);
            }
            reduce.ready(lo);
            hi = lo;
          }
          reduce.await();
        }
        out[mode] = buf;
        bytes[mode] = ring.bytesSent() + ring.bytesReceived() - b0;
      }
      assertArrayEquals(out[0], out[1], "rank " + ring.rank());
      assertEquals(bytes[0], bytes[1], "bytes, rank " + ring.rank());
      return out[1];
    });
  }

  /** P peers on one ring on loopback (links with the timeout), each running work. */
  private static void onRing(int p, int timeoutMillis, RingTest.PeerWork work)
      throws Exception {
    ServerSocket[] servers = RingTest.listen(p);
    ExecutorService pool = Executors.newFixedThreadPool(p);
    try {
      for (Future<float[]> f : RingTest.peers(p, r -> PeerSecurity.none(),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers,
          timeoutMillis, work, pool)) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      RingTest.closeAll(servers);
    }
  }

  /**
   * A peer that stops taking part fails the polled pass with the link's timeout, naming the
   * peer, instead of hanging the computing thread.
   */
  @Test
  void aSilentPeerFailsThePolledPassAfterTheTimeout() throws Exception {
    int n = 100_000;
    CountDownLatch failed = new CountDownLatch(1);
    onRing(2, 600, ring -> {
      float[] buf = new float[n];
      if (ring.rank() == 1) {
        failed.await(30, TimeUnit.SECONDS);  // joined, then silent
        return buf;
      }
      try (BucketedAllReduce reduce = new BucketedAllReduce(ring, buf, n,
          new int[] {50_000}, 0, false, 0, true)) {
        reduce.begin();
        reduce.ready(0);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, reduce::await);
        double waited = (System.nanoTime() - t0) / 1e6;
        assertTrue(e.getMessage().equals("rank 0: rank 1 sent nothing within 600 ms"),
            e.getMessage());
        assertTrue(waited >= 500 && waited < 10_000, "waited " + waited + " ms");
      } finally {
        failed.countDown();
      }
      return buf;
    });
  }

  @Test
  void awaitBeforeTheWholeBufferIsReadyIsAnError() {
    float[] buf = new float[10];
    try (BucketedAllReduce reduce = new BucketedAllReduce(new Failing(), buf, 10,
        new int[] {5})) {
      reduce.begin();
      reduce.ready(5);
      IllegalStateException e = assertThrows(IllegalStateException.class, reduce::await);
      assertEquals("await before the whole buffer was ready (1 of 2 buckets released)",
          e.getMessage());
    }
  }

  @Test
  void aFailingCollectiveFailsThePassWithItsMessageAndTheNextPassTooIfItStillFails() {
    float[] buf = new float[10];
    Failing c = new Failing();
    try (BucketedAllReduce reduce = new BucketedAllReduce(c, buf, 10, new int[] {5})) {
      for (int pass = 0; pass < 2; pass++) {
        reduce.begin();
        reduce.ready(0);
        IOException e = assertThrows(IOException.class, reduce::await);
        assertEquals("peer 1 sent nothing within 10 ms", e.getMessage());
      }
      // After the first bucket failed, the pass skipped the second: one call per pass.
      assertEquals(2, c.calls);
    }
  }

  @Test
  void aSinglePeerLeavesTheBufferAsItIs() throws Exception {
    ServerSocket[] servers = RingTest.listen(1);
    try (Ring ring = Ring.join(0, List.of(new InetSocketAddress(LOOPBACK,
        servers[0].getLocalPort())), servers[0], 1, PeerSecurity.none(), 1000)) {
      float[] buf = {1, 2, 3};
      try (BucketedAllReduce reduce = new BucketedAllReduce(ring, buf, 3, new int[] {1})) {
        reduce.begin();
        reduce.ready(0);
        reduce.await();
      }
      assertArrayEquals(new float[] {1, 2, 3}, buf);
      assertTrue(ring.bytesSent() == 0 && ring.bytesReceived() == 0);
    } finally {
      RingTest.closeAll(servers);
    }
  }

  /** A collective whose every all-reduce times out. */
  private static final class Failing implements Collective {
    private int calls;

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int size() {
      return 2;
    }

    @Override
    public void allReduce(float[] a, int off, int n) throws IOException {
      calls++;
      throw new IOException("peer 1 sent nothing within 10 ms");
    }

    @Override
    public void reduceScatter(float[] a, int off, int n) throws IOException {
      allReduce(a, off, n);
    }

    @Override
    public void allGather(float[] a, int off, int n) {}

    @Override
    public int ownedFrom(int off, int n) {
      return off;
    }

    @Override
    public int ownedTo(int off, int n) {
      return off + n;
    }

    @Override
    public long bytesSent() {
      return 0;
    }

    @Override
    public long bytesReceived() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
