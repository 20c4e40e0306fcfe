package org.sparkprop.driver.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ring all-reduce among P peers in one JVM on loopback: the sum (exactly the ring's
 * summation order, and a plain sum where that is exact), the same bits on every peer, ranges
 * below, at and across the frame size, the bytes each peer moves, and the security: a wrong
 * secret refused, a tampered frame rejected, a silent peer timing out, a stranger ignored.
 */
@Timeout(120)
class RingTest {
  private static final byte[] SECRET = "a cluster secret, 32 bytes long".getBytes(
      StandardCharsets.US_ASCII);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** What each peer's thread does once its ring is formed; returns its buffer. */
  interface PeerWork {
    float[] run(Ring ring) throws Exception;
  }

  /** P peers joining one ring (address of peer i from addressOf), each then running work. */
  static List<Future<float[]>> peers(int p, IntFunction<PeerSecurity> security,
      IntFunction<InetSocketAddress> addressOf, ServerSocket[] servers, int timeoutMillis,
      PeerWork work, ExecutorService pool) {
    return peers(p, security, addressOf, servers, timeoutMillis, work, pool, true);
  }

  /** As above; sharedMemory false keeps every link on TCP. */
  static List<Future<float[]>> peers(int p, IntFunction<PeerSecurity> security,
      IntFunction<InetSocketAddress> addressOf, ServerSocket[] servers, int timeoutMillis,
      PeerWork work, ExecutorService pool, boolean sharedMemory) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 0; i < p; i++) {
      addresses.add(addressOf.apply(i));
    }
    List<Future<float[]>> out = new ArrayList<>();
    for (int r = 0; r < p; r++) {
      int rank = r;
      out.add(pool.submit(() -> {
        try (Ring ring = Ring.join(rank, addresses, servers[rank], 77, security.apply(rank),
            timeoutMillis, sharedMemory)) {
          return work.run(ring);
        }
      }));
    }
    return out;
  }

  static ServerSocket[] listen(int p) throws IOException {
    ServerSocket[] s = new ServerSocket[p];
    for (int i = 0; i < p; i++) {
      s[i] = new ServerSocket(0, 16, LOOPBACK);
    }
    return s;
  }

  static void closeAll(ServerSocket[] servers) throws IOException {
    for (ServerSocket s : servers) {
      s.close();
    }
  }

  static float[][] inputs(int p, int len, boolean integers, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] a = new float[p][len];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < len; i++) {
        a[q][i] = integers ? r.nextInt(-1000, 1000) : (float) r.nextGaussian();
      }
    }
    return a;
  }

  /** The ring's sums: chunk c of [off, off+n) added in ring order starting at peer c. */
  static float[] ringSum(float[][] a, int off, int n) {
    int p = a.length;
    float[] e = a[0].clone();
    for (int c = 0; c < p; c++) {
      int from = off + (int) ((long) n * c / p);
      int to = off + (int) ((long) n * (c + 1) / p);
      for (int i = from; i < to; i++) {
        float acc = a[c][i];
        for (int k = 1; k < p; k++) {
          acc = acc + a[(c + k) % p][i];
        }
        e[i] = acc;
      }
    }
    return e;
  }

  @ParameterizedTest(name = "P = {0}, n = {1}")
  @CsvSource({"1,1000", "2,0", "2,1", "3,2", "7,5", "4,65536", "2,131075", "3,196608",
      "7,200003", "4,262147"})
  void everyPeerEndsWithTheSameRingOrderedSum(int p, int n) throws Exception {
    int off = 3;
    int len = n + 8;
    float[][] a = inputs(p, len, false, 31L * p + n);
    float[] expected = p == 1 ? a[0].clone() : ringSum(a, off, n);
    ServerSocket[] servers = listen(p);
    ExecutorService pool = Executors.newFixedThreadPool(p);
    try {
      List<Future<float[]>> results = peers(p, r -> PeerSecurity.none(),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 20_000,
          ring -> {
            float[] mine = a[ring.rank()].clone();
            ring.allReduce(mine, off, n);
            // The ring moves 2·(P − 1)/P·n floats each way per peer, plus frame counts.
            long floats = 2L * (p - 1) * n / Math.max(1, p);
            assertTrue(Math.abs(ring.bytesSent() / 4 - floats) <= p + 8 * (n / 65536 + 2),
                ring.bytesSent() + " bytes sent for " + floats + " floats");
            return mine;
          }, pool);
      for (int q = 0; q < p; q++) {
        float[] got = results.get(q).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < len; i++) {
          float want = i < off || i >= off + n ? a[q][i] : expected[i];
          assertEquals(want, got[i], 0f, "peer " + q + ", element " + i);
        }
      }
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  @Test
  void bfloat16RoundsToNearestEven() {
    assertEquals((short) 0x3f80, PeerChannel.toBf16(1f));
    // 1 + 2^-8 lies halfway between 1 and the next bfloat16 (1 + 2^-7): to even, 1.
    assertEquals(1f, PeerChannel.fromBf16(PeerChannel.toBf16(1f + 0x1p-8f)), 0f);
    assertEquals(1f + 0x1p-7f, PeerChannel.fromBf16(PeerChannel.toBf16(1f + 0x1.8p-8f)), 0f);
    // (1 + 3·2^-8) is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
    assertEquals(1f + 0x1p-6f, PeerChannel.fromBf16(PeerChannel.toBf16(1f + 3 * 0x1p-8f)), 0f);
    assertEquals(-2.5f, PeerChannel.fromBf16(PeerChannel.toBf16(-2.5f)), 0f);
    assertEquals(Float.POSITIVE_INFINITY, PeerChannel.fromBf16(PeerChannel.toBf16(
        Float.POSITIVE_INFINITY)), 0f);
    assertTrue(Float.isNaN(PeerChannel.fromBf16(PeerChannel.toBf16(Float.NaN))));
  }

  /**
   * A bfloat16 reduce-scatter: each peer's own chunk is the ring-order sum in which every
   * partial sum was rounded to bfloat16 before it travelled and added in float, the same bits
   * on every run; it moves half the bytes of a float one.
   */
  @ParameterizedTest(name = "P = {0}, n = {1}")
  @CsvSource({"2,1001", "3,70000", "4,131075"})
  void aBfloat16ReduceScatterRoundsEachPartialSumOnce(int p, int n) throws Exception {
    float[][] a = inputs(p, n, false, 7L * p + n);
    float[] expected = new float[n];
    for (int c = 0; c < p; c++) {
      for (int i = (int) ((long) n * c / p); i < (int) ((long) n * (c + 1) / p); i++) {
        float acc = a[c][i];
        for (int k = 1; k < p; k++) {
          acc = PeerChannel.fromBf16(PeerChannel.toBf16(acc)) + a[(c + k) % p][i];
        }
        expected[i] = acc;
      }
    }
    ServerSocket[] servers = listen(p);
    ExecutorService pool = Executors.newFixedThreadPool(p);
    try {
      List<Future<float[]>> results = peers(p, r -> PeerSecurity.none(),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 20_000,
          ring -> {
            float[] mine = a[ring.rank()].clone();
            ring.reduceScatter(mine, 0, n, true);
            long values = (long) (p - 1) * n / p;
            assertTrue(Math.abs(ring.bytesSent() / 2 - values) <= p + 4 * (n / 65536 + 2),
                ring.bytesSent() + " bytes sent for " + values + " bfloat16 values");
            float[] own = new float[n];
            for (int i = ring.ownedFrom(0, n); i < ring.ownedTo(0, n); i++) {
              own[i] = mine[i];
            }
            return own;
          }, pool);
      float[] got = new float[n];
      for (int q = 0; q < p; q++) {
        float[] own = results.get(q).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
          got[i] += own[i];  // each element is owned by one peer, zero elsewhere
        }
      }
      assertArrayEquals(expected, got);
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  /**
   * Peers on one host link through shared memory; over TCP (and across frames and buckets) the
   * bits and the bytes counted are the same.
   */
  @ParameterizedTest(name = "P = {0}, n = {1}")
  @CsvSource({"2,131075", "3,200003", "4,7"})
  void sharedMemoryAndTcpGiveTheSameBits(int p, int n) throws Exception {
    float[][] a = inputs(p, n, false, 3L * p + n);
    List<float[]> runs = new ArrayList<>();
    List<Long> bytes = new ArrayList<>();
    for (boolean shm : new boolean[] {true, false}) {
      ServerSocket[] servers = listen(p);
      ExecutorService pool = Executors.newFixedThreadPool(p);
      long[] sent = new long[p];
      try {
        List<Future<float[]>> results = peers(p, r -> PeerSecurity.none(),
            i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 20_000,
            ring -> {
              assertEquals(shm && SharedMemory.available(), ring.sendsThroughSharedMemory());
              float[] mine = a[ring.rank()].clone();
              ring.allReduce(mine, 0, n);
              ring.reduceScatter(mine, 0, n, true);
              ring.allGather(mine, 0, n);
              sent[ring.rank()] = ring.bytesSent() + ring.bytesReceived();
              return mine;
            }, pool, shm);
        float[] first = results.get(0).get(60, TimeUnit.SECONDS);
        for (int q = 1; q < p; q++) {
          assertArrayEquals(first, results.get(q).get(60, TimeUnit.SECONDS), "peer " + q);
        }
        runs.add(first);
        bytes.add(Arrays.stream(sent).sum());
      } finally {
        pool.shutdownNow();
        closeAll(servers);
      }
    }
    assertArrayEquals(runs.get(1), runs.get(0));
    assertEquals(bytes.get(1), bytes.get(0));
  }

  /**
   * Gathering several ranges in one pass gives the bits of gathering them one by one, below
   * and across the frame size and with more frames in a step than the shared-memory slots take
   * at once (the sending thread's path), through shared memory and over TCP; each step's
   * chunks travel as one stream, so it moves the same values under fewer frame headers.
   */
  @ParameterizedTest(name = "P = {0}, shared memory {1}")
  @CsvSource({"2,true", "2,false", "3,true", "4,true", "7,false"})
  void gatheringRangesTogetherEqualsGatheringThemOneByOne(int p, boolean shm) throws Exception {
    int[] offs = {0, 7, 300_007, 600_000, 600_010};
    int[] lens = {7, 300_000, 299_993, 10, 1};
    int n = 600_011 + 5;
    float[][] a = inputs(p, n, false, 11L * p);
    ServerSocket[] servers = listen(p);
    ExecutorService pool = Executors.newFixedThreadPool(p);
    try {
      List<Future<float[]>> results = peers(p, r -> PeerSecurity.none(),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 20_000,
          ring -> {
            float[] one = a[ring.rank()].clone();
            long b0 = ring.bytesSent() + ring.bytesReceived();
            for (int i = 0; i < offs.length; i++) {
              ring.allGather(one, offs[i], lens[i]);
            }
            long b1 = ring.bytesSent() + ring.bytesReceived();
            float[] together = a[ring.rank()].clone();
            ring.allGather(together, offs, lens, offs.length);
            long b2 = ring.bytesSent() + ring.bytesReceived();
            assertArrayEquals(one, together, "rank " + ring.rank());
            assertEquals(gatheredBytes(ring.rank(), p, lens), b2 - b1,
                "bytes, rank " + ring.rank());
            assertTrue(b2 - b1 < b1 - b0, "fewer frame headers, rank " + ring.rank());
            return together;
          }, pool, shm);
      float[] first = results.get(0).get(60, TimeUnit.SECONDS);
      for (int q = 1; q < p; q++) {
        assertArrayEquals(Arrays.copyOf(first, 600_011),
            Arrays.copyOf(results.get(q).get(60, TimeUnit.SECONDS), 600_011), "peer " + q);
      }
      // Gathered: every range holds, chunk by chunk, its owner's values; outside, each its own.
      for (int i = 0; i < offs.length; i++) {
        for (int c = 0; c < p; c++) {
          int owner = Math.floorMod(c - 1, p);
          int from = (int) ((long) lens[i] * c / p);
          int to = (int) ((long) lens[i] * (c + 1) / p);
          for (int j = offs[i] + from; j < offs[i] + to; j++) {
            assertEquals(a[owner][j], first[j], "range " + i + ", element " + j);
          }
        }
      }
      assertEquals(a[0][n - 1], first[n - 1]);
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  /**
   * The bytes one peer sends and receives all-gathering the ranges together: per ring step,
   * every range's chunk out and in as one stream, 4 bytes a value and a 4-byte header per
   * frame of up to 65,536 values.
   */
  private static long gatheredBytes(int rank, int p, int[] lens) {
    long bytes = 0;
    for (int s = 0; s < p - 1; s++) {
      for (int c : new int[] {Math.floorMod(rank + 1 - s, p), Math.floorMod(rank - s, p)}) {
        long values = 0;
        for (int len : lens) {
          values += (long) len * (c + 1) / p - (long) len * c / p;
        }
        bytes += 4 * values + 4 * ((values + 65_535) / 65_536);
      }
    }
    return bytes;
  }

  /** A shared-memory peer that leaves without sending fails the wait at once, by name. */
  @Test
  void aSharedMemoryPeerThatLeavesFailsTheWaitAtOnce() throws Exception {
    ServerSocket[] servers = listen(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      long t0 = System.nanoTime();
      List<Future<float[]>> results = peers(2, r -> PeerSecurity.none(),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 60_000,
          ring -> {
            if (ring.rank() == 0) {
              return new float[0];  // leaves (closes its ring) at once
            }
            ring.allReduce(new float[100], 0, 100);
            return new float[1];
          }, pool);
      assertEquals(0, results.get(0).get(60, TimeUnit.SECONDS).length);
      String m = failure(results.get(1));
      assertTrue(m.endsWith("rank 0 closed the connection"), m);
      assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "waited for the timeout");
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  @Test
  void integerValuesSumExactlyLikeAPlainSumAndRepeatedReductionsKeepWorking() throws Exception {
    int p = 4;
    int n = 70_001;
    float[][] a = inputs(p, n, true, 5);
    float[] plain = new float[n];
    for (float[] q : a) {
      for (int i = 0; i < n; i++) {
        plain[i] += q[i];
      }
    }
    ServerSocket[] servers = listen(p);
    ExecutorService pool = Executors.newFixedThreadPool(p);
    try {
      List<Future<float[]>> results = peers(p, r -> PeerSecurity.withSecret(SECRET, true),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 20_000,
          ring -> {
            float[] mine = a[ring.rank()].clone();
            ring.allReduce(mine, 0, n);
            float[] again = mine.clone();
            ring.allReduce(again, 0, n);  // a second reduction on the same connections
            for (int i = 0; i < n; i++) {
              assertEquals(p * mine[i], again[i], 0f);
            }
            return mine;
          }, pool);
      for (Future<float[]> f : results) {
        assertArrayEquals(plain, f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  @Test
  void aPeerWithAnotherSecretIsRefused() throws Exception {
    ServerSocket[] servers = listen(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    try {
      List<Future<float[]>> results = peers(2, r -> PeerSecurity.withSecret(r == 0 ? SECRET
          : other, false), i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()),
          servers, 2_000, ring -> new float[0], pool);
      String m0 = failure(results.get(0));
      String m1 = failure(results.get(1));
      assertTrue(m0.contains("could not prove it holds the cluster's secret")
          || m1.contains("could not prove it holds the cluster's secret"), m0 + " / " + m1);
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  @Test
  void aTamperedFrameIsRejected() throws Exception {
    ServerSocket[] servers = listen(2);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    // Peer 0 reaches peer 1 through a proxy that flips one bit far past the handshake.
    ServerSocket proxy = new ServerSocket(0, 4, LOOPBACK);
    pool.submit(() -> forwardFlipping(proxy, servers[1].getLocalPort(), 5_000));
    try {
      float[][] a = inputs(2, 40_000, false, 9);
      List<Future<float[]>> results = peers(2, r -> PeerSecurity.withSecret(SECRET, true),
          i -> new InetSocketAddress(LOOPBACK, i == 1 ? proxy.getLocalPort()
              : servers[i].getLocalPort()), servers, 5_000, ring -> {
            float[] mine = a[ring.rank()].clone();
            ring.allReduce(mine, 0, mine.length);
            return mine;
          }, pool);
      assertTrue(failure(results.get(1)).contains("a frame from rank 0 failed authentication "
          + "(tampered with or corrupt)"));
    } finally {
      pool.shutdownNow();
      proxy.close();
      closeAll(servers);
    }
  }

  @Test
  void aSilentPeerTimesOutWithAClearError() throws Exception {
    ServerSocket[] servers = listen(2);
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      // Peer 1 listens but never joins: the connection is made, no handshake answers.
      List<InetSocketAddress> addresses = List.of(
          new InetSocketAddress(LOOPBACK, servers[0].getLocalPort()),
          new InetSocketAddress(LOOPBACK, servers[1].getLocalPort()));
      Future<float[]> f = pool.submit(() -> {
        try (Ring ring = Ring.join(0, addresses, servers[0], 77, PeerSecurity.none(), 500)) {
          return new float[0];
        }
      });
      assertEquals("rank 1 at " + addresses.get(1).getHostString() + ":"
          + servers[1].getLocalPort() + " did not answer within 500 ms", failure(f));
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  @Test
  void strangersSendingGarbageOrNothingDoNotStopTheRing() throws Exception {
    ServerSocket[] servers = listen(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Socket silent = new Socket(LOOPBACK, servers[1].getLocalPort());
        Socket garbage = new Socket(LOOPBACK, servers[1].getLocalPort())) {
      garbage.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      float[][] a = inputs(2, 1000, true, 3);
      List<Future<float[]>> results = peers(2, r -> PeerSecurity.withSecret(SECRET, false),
          i -> new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()), servers, 1_000,
          ring -> {
            float[] mine = a[ring.rank()].clone();
            ring.allReduce(mine, 0, mine.length);
            return mine;
          }, pool);
      float[] sum = ringSum(a, 0, 1000);
      assertArrayEquals(sum, results.get(0).get(30, TimeUnit.SECONDS));
      assertArrayEquals(sum, results.get(1).get(30, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
      closeAll(servers);
    }
  }

  private static String failure(Future<?> f) throws InterruptedException {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return String.valueOf(e.getCause().getMessage());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no failure within 60 s", e);
    }
    throw new AssertionError("expected a failure");
  }

  /** Accepts one connection and forwards it to port, flipping one bit of byte at. */
  private static Void forwardFlipping(ServerSocket proxy, int port, long at) throws Exception {
    try (Socket in = proxy.accept(); Socket out = new Socket(LOOPBACK, port)) {
      Thread back = new Thread(() -> copy(out, in, -1));
      back.setDaemon(true);
      back.start();
      copy(in, out, at);
    }
    return null;
  }

  private static void copy(Socket from, Socket to, long flipAt) {
    try {
      InputStream i = from.getInputStream();
      OutputStream o = to.getOutputStream();
      long pos = 0;
      int b;
      while ((b = i.read()) >= 0) {
        o.write(pos++ == flipAt ? b ^ 0x10 : b);
      }
    } catch (IOException e) {
      // one side closed: the copy ends
    }
  }
}
