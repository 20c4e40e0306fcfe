package org.sparkprop.driver.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct exchange's driver end and wire on loopback: who is let in, a retried stage
 * replacing the older one, a job that ends before everyone connected, and float payloads
 * below, at and across the wire's chunk size (2^16 floats).
 */
@Timeout(60)
class StepServerTest {
  private static final int EPOCH = 3;

  /** A task's connection: says hello with these fields, then stays open. */
  private static Socket hello(StepServer server, long token, int epoch, int driverTry,
      int stageAttempt, int partition) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    s.setSoTimeout(10_000);
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeLong(token);
    out.writeInt(epoch);
    out.writeInt(driverTry);
    out.writeInt(stageAttempt);
    out.writeInt(partition);
    out.flush();
    return s;
  }

  /** Whether the server closed s: a read sees the end of the stream. */
  private static boolean closedByServer(Socket s) throws IOException {
    return s.getInputStream().read() == -1;
  }

  /**
   * Partition 0's task connects first; every stranger after it claims partition 0 too, so a
   * check that let one in would replace (close) the real task's connection.
   */
  @Test
  void letsInEveryPartitionAndTurnsAwayStrangers() throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 10_000)) {
      server.newEpoch();
      long t = server.token();
      try (Socket p0 = hello(server, t, EPOCH, 2, 0, 0);
          Socket wrongToken = hello(server, t + 1, EPOCH, 2, 0, 0);
          Socket wrongEpoch = hello(server, t, EPOCH + 1, 2, 0, 0);
          Socket oldTry = hello(server, t, EPOCH, 1, 0, 0);
          Socket badPartition = hello(server, t, EPOCH, 2, 0, 7);
          Socket negative = hello(server, t, EPOCH, 2, 0, -1);
          Socket p1 = hello(server, t, EPOCH, 2, 0, 1)) {
        server.acceptAll(EPOCH, 2, 2, new CompletableFuture<>());
        for (Socket s : new Socket[] {wrongToken, wrongEpoch, oldTry, badPartition, negative}) {
          assertEquals(true, closedByServer(s));
        }
        // Each wire is its partition's own connection.
        new DataOutputStream(p0.getOutputStream()).writeInt(100);
        new DataOutputStream(p1.getOutputStream()).writeInt(101);
        assertEquals(100, server.wire(0).in.readInt());
        assertEquals(101, server.wire(1).in.readInt());
      }
    }
  }

  /**
   * Spark retried the stage while the older attempt had connected only partition 0: the first
   * task of the newer attempt closes every older connection, the wait starts over, and a late
   * task of the older attempt is turned away.
   */
  @Test
  void aRetriedStageReplacesTheOlderAttempt() throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 10_000)) {
      server.newEpoch();
      long t = server.token();
      try (Socket old0 = hello(server, t, EPOCH, 0, 0, 0);
          Socket new1 = hello(server, t, EPOCH, 0, 1, 1);
          Socket late0 = hello(server, t, EPOCH, 0, 0, 0);
          Socket new0 = hello(server, t, EPOCH, 0, 1, 0)) {
        server.acceptAll(EPOCH, 0, 2, new CompletableFuture<>());
        assertEquals(true, closedByServer(old0), "attempt 0's connection is closed");
        assertEquals(true, closedByServer(late0), "a late task of attempt 0 is turned away");
        new DataOutputStream(new0.getOutputStream()).writeInt(10);
        new DataOutputStream(new1.getOutputStream()).writeInt(11);
        assertEquals(10, server.wire(0).in.readInt());
        assertEquals(11, server.wire(1).in.readInt());
      }
    }
  }

  @Test
  void aJobThatEndsBeforeEveryoneConnectedEndsTheWait() throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 10_000)) {
      server.newEpoch();
      try (Socket only = hello(server, server.token(), EPOCH, 0, 0, 0)) {
        IOException e = assertThrows(IOException.class,
            () -> server.acceptAll(EPOCH, 0, 2, CompletableFuture.completedFuture(null)));
        assertEquals("the epoch's Spark job ended before all 2 partitions connected",
            e.getMessage());
        CompletableFuture<Void> failed = new CompletableFuture<>();
        failed.completeExceptionally(new IllegalStateException("executor lost"));
        ExecutionException f = assertThrows(ExecutionException.class,
            () -> server.acceptAll(EPOCH, 0, 2, failed));
        assertEquals("executor lost", f.getCause().getMessage());
      }
    }
  }

  @Test
  void aSilentPeerTimesOutInsteadOfStallingTheWait() throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 500)) {
      server.newEpoch();
      try (Socket silent = new Socket("127.0.0.1", server.port());
          Socket p0 = hello(server, server.token(), EPOCH, 0, 0, 0)) {
        server.acceptAll(EPOCH, 0, 1, new CompletableFuture<>());
        assertEquals(true, closedByServer(silent));
      }
    }
  }

  /** Sizes around the wire's chunk of 2^16 floats, and none at all. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 200_003})
  void floatsCrossTheWireExactlyAndAddWithTheirWeight(int n) throws Exception {
    SplittableRandom r = new SplittableRandom(n);
    float[] a = new float[n];
    float[] base = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
      base[i] = (float) r.nextGaussian();
    }
    try (ServerSocket listen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(listen.getInetAddress(), listen.getLocalPort());
        Socket accepted = listen.accept();
        Wire out = new Wire(client, 10_000);
        Wire in = new Wire(accepted, 10_000)) {
      Thread writer = new Thread(() -> {
        try {
          for (int k = 0; k < 3; k++) {
            out.writeFloats(a, 0, n);
          }
          out.out.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      writer.start();
      float[] copy = new float[n];
      in.readFloats(copy, 0, n);
      assertArrayEquals(a, copy);
      float[] sum = base.clone();
      in.readAdd(sum, 0, n, 1f);
      float[] weighted = base.clone();
      in.readAdd(weighted, 0, n, 2.5f);
      writer.join();
      for (int i = 0; i < n; i++) {
        assertEquals(base[i] + a[i], sum[i], 0f, "sum at " + i);
        assertEquals(base[i] + 2.5f * a[i], weighted[i], 0f, "weighted sum at " + i);
      }
      assertEquals(0, new DataInputStream(accepted.getInputStream()).available());
    }
  }
}
