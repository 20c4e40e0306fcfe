package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.sparkprop.driver.collective.PeerSecurity;
import org.sparkprop.driver.collective.Ring;
import org.sparkprop.driver.output.Json;

/**
 * The exchange alone, no model compute: P peers in this JVM on loopback all-reduce N floats,
 * (a) through the driver as the direct exchange does today (every worker sends its sum to one
 * endpoint, which reads them in order, adds, and writes the result back to each in turn, on
 * {@link Wire}) and (b) among themselves on the {@link Ring}, its links through shared memory
 * (peers of one host, as in training) and (c) over TCP on the loopback. They take turns,
 * repetition by repetition. Prints JSON: per (P, N, method) the median milliseconds per
 * all-reduce and the bytes the busiest endpoint sends and receives per all-reduce.
 *
 * <p>Usage: ExchangeBench [reps] [P,P,…] [N,N,…] (defaults 5, 2,4,8,16, 240000,540000,4000000).
 *
 * <p>ExchangeBench gather [reps] [P,P,…] [R,R,…] [N,N,…] (defaults 50, 2,4, 10,40,
 * 240000,540000): the sharded optimizer's all-gather alone, N floats cut into R equal ranges
 * (the gradient's buckets), gathered in one pass ({@code allGather(a, offs, lens, R)}, as a
 * sharded step does) and range by range, through shared memory and over TCP, taking turns
 * repetition by repetition: median and 90th-percentile milliseconds per all-gather.
 */
public final class ExchangeBench {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private ExchangeBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("gather")) {
      gather(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int[] ps = ints(args.length > 1 ? args[1] : "2,4,8,16");
    int[] ns = ints(args.length > 2 ? args[2] : "240000,540000,4000000");
    List<Object> rows = new ArrayList<>();
    for (int n : ns) {
      for (int p : ps) {
        rows.add(measure(p, n, reps, PeerSecurity.none()));
      }
    }
    byte[] secret = "bench secret, not a real one....".getBytes(StandardCharsets.US_ASCII);
    rows.add(measure(2, 540_000, reps, PeerSecurity.withSecret(secret, true)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("repetitions", reps);
    out.put("runs", rows);
    System.out.print(Json.write(out));
  }

  private static void gather(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int[] ps = ints(args.length > 1 ? args[1] : "2,4");
    int[] rs = ints(args.length > 2 ? args[2] : "10,40");
    int[] ns = ints(args.length > 3 ? args[3] : "240000,540000");
    List<Object> rows = new ArrayList<>();
    for (int n : ns) {
      for (int p : ps) {
        for (int r : rs) {
          for (boolean shm : new boolean[] {true, false}) {
            rows.add(measureGather(p, r, n, reps, shm));
          }
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("repetitions", reps);
    out.put("runs", rows);
    System.out.print(Json.write(out));
  }

  private static Map<String, Object> measureGather(int p, int ranges, int n, int reps,
      boolean sharedMemory) throws Exception {
    int[] offs = new int[ranges];
    int[] lens = new int[ranges];
    for (int i = 0; i < ranges; i++) {
      offs[i] = (int) ((long) n * i / ranges);
      lens[i] = (int) ((long) n * (i + 1) / ranges) - offs[i];
    }
    float[][] data = new float[p][n];
    double[] together = new double[reps];
    double[] oneByOne = new double[reps];
    ExecutorService pool = Executors.newFixedThreadPool(p);
    Ring[] rings = ring(p, PeerSecurity.none(), pool, sharedMemory);
    Gather all = (g, a) -> g.allGather(a, offs, lens, ranges);
    Gather each = (g, a) -> {
      for (int i = 0; i < ranges; i++) {
        g.allGather(a, offs[i], lens[i]);
      }
    };
    try {
      for (int w = 0; w < 5; w++) {  // warm-up
        time(rings, data, all, pool);
        time(rings, data, each, pool);
      }
      for (int k = 0; k < reps; k++) {
        together[k] = time(rings, data, all, pool);
        oneByOne[k] = time(rings, data, each, pool);
      }
    } finally {
      for (Ring g : rings) {
        g.close();
      }
      pool.shutdownNow();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peers", p);
    m.put("floats", n);
    m.put("ranges", ranges);
    m.put("shared_memory", rings[0].sendsThroughSharedMemory());
    m.put("one_pass_ms", median(together));
    m.put("one_pass_p90_ms", percentile(together, 0.9));
    m.put("range_by_range_ms", median(oneByOne));
    m.put("range_by_range_p90_ms", percentile(oneByOne, 0.9));
    System.err.println("P " + p + ", N " + n + ", " + ranges + " ranges"
        + (sharedMemory ? " (shared memory)" : " (TCP)") + ": one pass " + median(together)
        + " ms, range by range " + median(oneByOne) + " ms");
    return m;
  }

  /** One all-gather of the ranges on a peer's ring. */
  private interface Gather {
    void run(Ring ring, float[] a) throws IOException;
  }

  /** Every peer gathers at once; the slowest peer's milliseconds. */
  private static double time(Ring[] rings, float[][] data, Gather gather, ExecutorService pool)
      throws Exception {
    CyclicBarrier start = new CyclicBarrier(rings.length);
    List<Future<Long>> f = new ArrayList<>();
    for (int q = 0; q < rings.length; q++) {
      int rank = q;
      f.add(pool.submit(() -> {
        start.await();
        long t0 = System.nanoTime();
        gather.run(rings[rank], data[rank]);
        return System.nanoTime() - t0;
      }));
    }
    long max = 0;
    for (Future<Long> x : f) {
      max = Math.max(max, x.get());
    }
    return max / 1e6;
  }

  private static double percentile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.floor(q * s.length))];
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static Map<String, Object> measure(int p, int n, int reps, PeerSecurity security)
      throws Exception {
    float[][] data = new float[p][n];
    SplittableRandom r = new SplittableRandom(p * 31L + n);
    for (float[] d : data) {
      for (int i = 0; i < n; i++) {
        d[i] = (float) r.nextGaussian();
      }
    }
    double[] star = new double[reps];
    double[] ring = new double[reps];
    double[] tcp = new double[reps];
    Star s = new Star(p, n);
    ExecutorService pool = Executors.newFixedThreadPool(p);
    Ring[] rings = ring(p, security, pool, true);
    Ring[] tcpRings = ring(p, security, pool, false);
    try {
      timeStar(s, data, pool);   // warm-up
      timeRing(rings, data, n, pool);
      timeRing(tcpRings, data, n, pool);
      for (int k = 0; k < reps; k++) {
        star[k] = timeStar(s, data, pool);
        ring[k] = timeRing(rings, data, n, pool);
        tcp[k] = timeRing(tcpRings, data, n, pool);
      }
    } finally {
      for (Ring g : rings) {
        g.close();
      }
      for (Ring g : tcpRings) {
        g.close();
      }
      s.close();
      pool.shutdownNow();
    }
    long ringSent = rings[0].bytesSent() / (reps + 1);
    long ringReceived = rings[0].bytesReceived() / (reps + 1);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peers", p);
    m.put("floats", n);
    m.put("security", security.toString());
    m.put("driver_star_ms", median(star));
    m.put("ring_shared_memory", rings[0].sendsThroughSharedMemory());
    m.put("ring_ms", median(ring));
    m.put("ring_tcp_ms", median(tcp));
    m.put("ring_speedup", median(star) / median(ring));
    // The star's busiest endpoint is the driver: P sums in, P results out.
    m.put("driver_star_busiest_bytes_sent", 4L * p * n);
    m.put("driver_star_busiest_bytes_received", 4L * p * n);
    m.put("ring_busiest_bytes_sent", ringSent);
    m.put("ring_busiest_bytes_received", ringReceived);
    System.err.println("P " + p + ", N " + n + " (" + security + "): star " + median(star)
        + " ms, ring " + median(ring) + " ms, ring over TCP " + median(tcp) + " ms");
    return m;
  }

  private static double timeRing(Ring[] rings, float[][] data, int n, ExecutorService pool)
      throws Exception {
    int p = rings.length;
    CyclicBarrier start = new CyclicBarrier(p);
    List<Future<Long>> f = new ArrayList<>();
    for (int q = 0; q < p; q++) {
      int rank = q;
      f.add(pool.submit(() -> {
        float[] a = data[rank].clone();
        start.await();
        long t0 = System.nanoTime();
        rings[rank].allReduce(a, 0, n);
        return System.nanoTime() - t0;
      }));
    }
    long max = 0;
    for (Future<Long> x : f) {
      max = Math.max(max, x.get());
    }
    return max / 1e6;
  }

  private static double timeStar(Star s, float[][] data, ExecutorService pool)
      throws Exception {
    return s.run(data, pool) / 1e6;
  }

  private static Ring[] ring(int p, PeerSecurity security, ExecutorService pool,
      boolean sharedMemory) throws Exception {
    ServerSocket[] servers = new ServerSocket[p];
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 0; i < p; i++) {
      servers[i] = new ServerSocket(0, 16, LOOPBACK);
      addresses.add(new InetSocketAddress(LOOPBACK, servers[i].getLocalPort()));
    }
    List<Future<Ring>> f = new ArrayList<>();
    for (int q = 0; q < p; q++) {
      int rank = q;
      f.add(pool.submit(() -> Ring.join(rank, addresses, servers[rank], 1, security, 60_000,
          sharedMemory)));
    }
    Ring[] rings = new Ring[p];
    for (int q = 0; q < p; q++) {
      rings[q] = f.get(q).get();
      servers[q].close();
    }
    return rings;
  }

  /** Today's topology: P workers, one driver endpoint that sums in order and sends back. */
  private static final class Star implements AutoCloseable {
    private final int n;
    private final Wire[] driverEnds;
    private final Wire[] workerEnds;
    private final float[] sum;

    Star(int p, int n) throws IOException {
      this.n = n;
      this.sum = new float[n];
      driverEnds = new Wire[p];
      workerEnds = new Wire[p];
      try (ServerSocket server = new ServerSocket(0, p, LOOPBACK)) {
        for (int q = 0; q < p; q++) {
          Socket w = new Socket(LOOPBACK, server.getLocalPort());
          workerEnds[q] = new Wire(w, 60_000);
          driverEnds[q] = new Wire(server.accept(), 60_000);
        }
      }
    }

    /** One sync; returns the nanoseconds from the first send to the last worker's result. */
    long run(float[][] data, ExecutorService pool) throws Exception {
      int p = driverEnds.length;
      CyclicBarrier start = new CyclicBarrier(p + 1);
      List<Future<Long>> workers = new ArrayList<>();
      for (int q = 0; q < p; q++) {
        int w = q;
        workers.add(pool.submit(() -> {
          float[] a = data[w].clone();
          start.await();
          long t0 = System.nanoTime();
          workerEnds[w].writeFloats(a, 0, n);
          workerEnds[w].out.flush();
          workerEnds[w].readFloats(a, 0, n);
          return System.nanoTime() - t0;
        }));
      }
      Thread driver = new Thread(() -> {
        try {
          start.await();
          Arrays.fill(sum, 0f);
          for (Wire d : driverEnds) {
            d.readAdd(sum, 0, n, 1f);
          }
          for (Wire d : driverEnds) {
            d.writeFloats(sum, 0, n);
            d.out.flush();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      driver.start();
      long max = 0;
      for (Future<Long> x : workers) {
        max = Math.max(max, x.get());
      }
      driver.join();
      return max;
    }

    @Override
    public void close() {
      for (Wire w : driverEnds) {
        w.close();
      }
      for (Wire w : workerEnds) {
        w.close();
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
