package org.sparkprop.driver.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exchanges' driver end and wire on loopback: who is let in (only tasks that prove they
 * hold the run's key, of this epoch, try and stage attempt), a retried stage replacing the
 * older one, a job that ends before everyone connected, strangers that send garbage or nothing
 * holding up no one, sealed connections, and float payloads below, at and across the wire's
 * chunk size (2^16 floats).
 */
@Timeout(60)
class StepServerTest {
  private static final int EPOCH = 3;

  /** A task's connection to server with this key and hello, authenticated, then open. */
  private static Wire hello(StepServer server, byte[] key, int epoch, int driverTry,
      int stageAttempt, int partition) throws IOException {
    return DriverLink.connect(new Endpoint("127.0.0.1", server.port(), key, server.seals(),
        10_000, driverTry), new DriverLink.Hello(epoch, driverTry, stageAttempt, partition));
  }

  /** Whether the server closed w: a read sees the end of the stream. */
  private static boolean closedByServer(Wire w) throws IOException {
    return w.in.read() == -1;
  }

  /**
   * Partition 0's task connects first; every stranger after it claims partition 0 too, so a
   * check that let one in would replace (close) the real task's connection.
   */
  @ParameterizedTest(name = "sealed: {0}")
  @ValueSource(booleans = {false, true})
  void letsInEveryPartitionAndTurnsAwayStrangers(boolean seal) throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 10_000, seal)) {
      server.newEpoch();
      byte[] k = server.key();
      byte[] other = k.clone();
      other[5] ^= 1;
      try (Wire p0 = hello(server, k, EPOCH, 2, 0, 0);
          Wire wrongEpoch = hello(server, k, EPOCH + 1, 2, 0, 0);
          Wire oldTry = hello(server, k, EPOCH, 1, 0, 0);
          Wire badPartition = hello(server, k, EPOCH, 2, 0, 7);
          Wire negative = hello(server, k, EPOCH, 2, 0, -1)) {
        IOException wrongKey = assertThrows(IOException.class,
            () -> hello(server, other, EPOCH, 2, 0, 0));
        assertEquals("the driver at 127.0.0.1:" + server.port() + " could not prove it holds "
            + "the run's key", wrongKey.getMessage());
        try (Wire p1 = hello(server, k, EPOCH, 2, 0, 1)) {
          // The server authenticates connections concurrently, so p1 may be queued before a
          // stranger: wait for all six, so that acceptAll meets every stranger before it ends.
          while (server.queued() < 6) {
            Thread.sleep(5);
          }
          server.acceptAll(EPOCH, 2, 2, new CompletableFuture<>());
          for (Wire w : new Wire[] {wrongEpoch, oldTry, badPartition, negative}) {
            assertEquals(true, closedByServer(w));
          }
          // Each wire is its partition's own connection, both ways.
          p0.out.writeInt(100);
          p0.out.flush();
          p1.out.writeInt(101);
          p1.out.flush();
          assertEquals(100, server.wire(0).in.readInt());
          assertEquals(101, server.wire(1).in.readInt());
          server.wire(1).out.writeLong(-7);
          server.wire(1).out.flush();
          assertEquals(-7, p1.in.readLong());
        }
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
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 10_000, false)) {
      server.newEpoch();
      byte[] k = server.key();
      try (Wire old0 = hello(server, k, EPOCH, 0, 0, 0)) {
        try (Wire new1 = hello(server, k, EPOCH, 0, 1, 1);
            Wire late0 = hello(server, k, EPOCH, 0, 0, 0);
            Wire new0 = hello(server, k, EPOCH, 0, 1, 0)) {
          while (server.queued() < 4) {
            Thread.sleep(5);  // all four authenticated, in whatever order
          }
          server.acceptAll(EPOCH, 0, 2, new CompletableFuture<>());
          assertEquals(true, closedByServer(old0), "attempt 0's connection is closed");
          assertEquals(true, closedByServer(late0), "a late task of attempt 0 is turned away");
          new0.out.writeInt(10);
          new0.out.flush();
          new1.out.writeInt(11);
          new1.out.flush();
          assertEquals(10, server.wire(0).in.readInt());
          assertEquals(11, server.wire(1).in.readInt());
        }
      }
    }
  }

  @Test
  void aJobThatEndsBeforeEveryoneConnectedEndsTheWait() throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 10_000, false)) {
      server.newEpoch();
      try (Wire only = hello(server, server.key(), EPOCH, 0, 0, 0)) {
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

  /**
   * A peer that connects and says nothing, and one that sends garbage (a huge claimed length
   * included), hold up no one: the task behind them is let in at once, and both are dropped
   * (the silent one after the handshake timeout).
   */
  @Test
  void silentAndGarbagePeersHoldUpNoOne() throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 500, false)) {
      server.newEpoch();
      try (Socket silent = new Socket("127.0.0.1", server.port());
          Socket garbage = new Socket("127.0.0.1", server.port())) {
        DataOutputStream g = new DataOutputStream(garbage.getOutputStream());
        g.writeInt(DriverLink.MAGIC);
        g.writeInt(DriverLink.VERSION);
        g.write(new byte[] {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
        g.flush();
        silent.setSoTimeout(10_000);
        garbage.setSoTimeout(10_000);
        long t0 = System.nanoTime();
        try (Wire p0 = hello(server, server.key(), EPOCH, 0, 0, 0)) {
          server.acceptAll(EPOCH, 0, 1, new CompletableFuture<>());
        }
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the real task waited");
        assertEquals(-1, silent.getInputStream().read(), "the silent peer is dropped");
        // The garbage peer got the driver's nonce and proof, then was dropped: its proof
        // never came (the handshake timed out) or was wrong.
        InputStream in = garbage.getInputStream();
        while (in.read() != -1) {
          // the driver's nonce and proof
        }
      }
    }
  }

  @Test
  void theKeyNeverAppearsInTheEndpointsText() throws Exception {
    try (StepServer server = new StepServer("127.0.0.1", "127.0.0.1", 500, true)) {
      Endpoint e = new Endpoint("h", 1, server.key(), true, 5, 0);
      String hex = HexFormat.of().formatHex(server.key());
      assertEquals("Endpoint[h:1, try 0]", e.toString());
      assertFalse(e.toString().contains(hex));
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
