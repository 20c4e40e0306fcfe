package org.sparkprop.driver.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.collective.PeerSecurity;
import org.sparkprop.driver.collective.Ring;

class StartStateTest {
  /** Parameters, an empty state, two optimizer arrays: lengths that do not divide by P. */
  private static List<float[]> parts() {
    int[] lens = {1_003, 0, 17, 1_003};
    List<float[]> parts = new ArrayList<>();
    float v = 1;
    for (int len : lens) {
      float[] a = new float[len];
      for (int i = 0; i < len; i++) {
        a[i] = v++ * (i % 2 == 0 ? 1 : -0.5f);
      }
      parts.add(a);
    }
    return parts;
  }

  private static byte[] chunkBytes(List<float[]> parts, int rank, int p) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Wire w = new Wire(null, null, new DataOutputStream(bytes));
    StartState.writeChunk(w, parts, rank, p);
    w.out.flush();
    return bytes.toByteArray();
  }

  @Test
  void theDriverSendsEachTaskAPthAndTheAllGatherMakesEveryTaskWhole() throws Exception {
    List<float[]> parts = parts();
    int m = StartState.length(parts);
    float[] whole = new float[m];
    int at = 0;
    for (float[] a : parts) {
      System.arraycopy(a, 0, whole, at, a.length);
      at += a.length;
    }
    for (int p : new int[] {1, 2, 3, 4, 7}) {
      long sent = 0;
      float[][] packed = new float[p][];
      for (int r = 0; r < p; r++) {
        byte[] b = chunkBytes(parts, r, p);
        sent += b.length;
        Wire in = new Wire(null, new DataInputStream(new ByteArrayInputStream(b)), null);
        packed[r] = StartState.readChunk(in, m, r, p);
        assertEquals(0, in.in.available(), "P=" + p + " rank " + r + " read all it was sent");
      }
      // m floats from the driver in all, whatever P.
      assertEquals(4L * m, sent, "P=" + p);
      float[][] after = allGather(packed, m);
      for (int r = 0; r < p; r++) {
        assertArrayEquals(whole, after[r], "P=" + p + " rank " + r);
        List<float[]> mine = new ArrayList<>();
        for (float[] a : parts) {
          mine.add(new float[a.length]);
        }
        StartState.unpack(after[r], mine);
        for (int i = 0; i < parts.size(); i++) {
          assertArrayEquals(parts.get(i), mine.get(i), "P=" + p + " rank " + r + " part " + i);
        }
      }
    }
  }

  /** Each rank's buffer after a real ring's all-gather on loopback (shared memory links). */
  private static float[][] allGather(float[][] packed, int m) throws Exception {
    int p = packed.length;
    ServerSocket[] servers = new ServerSocket[p];
    List<InetSocketAddress> addresses = new ArrayList<>();
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int r = 0; r < p; r++) {
      servers[r] = new ServerSocket(0, 16, lo);
      addresses.add(new InetSocketAddress(lo, servers[r].getLocalPort()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(p);
    try {
      List<Future<float[]>> out = new ArrayList<>();
      for (int r = 0; r < p; r++) {
        int rank = r;
        out.add(pool.submit(() -> {
          try (Ring ring = Ring.join(rank, addresses, servers[rank], 5, PeerSecurity.none(),
              10_000, true)) {
            ring.allGather(packed[rank], 0, m);
            return packed[rank];
          }
        }));
      }
      float[][] after = new float[p][];
      for (int r = 0; r < p; r++) {
        after[r] = out.get(r).get();
      }
      return after;
    } finally {
      pool.shutdownNow();
      for (ServerSocket s : servers) {
        s.close();
      }
    }
  }
}
