package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver's end of the direct and ring exchanges: a server socket on the driver's address
 * (an ephemeral port) that the epoch's barrier tasks connect to. Every connection must prove
 * it holds the run's random key ({@link DriverLink}); the handshakes run on threads of their
 * own, each limited to a few seconds, so a stranger that sends garbage or nothing holds up no
 * one. When Spark retries a barrier stage (a worker died), the tasks of the newer stage attempt
 * replace those of the older one.
 */
final class StepServer implements AutoCloseable {
  /** A connection's handshake must finish within this (or the sync timeout, if shorter). */
  private static final int HANDSHAKE_MILLIS = 10_000;
  /** Handshakes in progress at once; connections beyond are closed at once. */
  private static final int MAX_PENDING_HANDSHAKES = 64;
  private final ServerSocket server;
  private final String host;
  private final byte[] key = DriverLink.newKey();
  private final boolean seal;
  private final int timeoutMillis;
  private final BlockingQueue<DriverLink.Accepted> authenticated = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean closed;
  private Wire[] wires = new Wire[0];
  private int attempt = -1;

  /**
   * Listens on bindAddress (host is what tasks connect to); with seal, connections are sealed
   * with AES-GCM after the handshake.
   */
  StepServer(String host, String bindAddress, int timeoutMillis, boolean seal)
      throws IOException {
    this.host = host;
    this.timeoutMillis = timeoutMillis;
    this.seal = seal;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0), 64);
    acceptor = new Thread(this::acceptLoop, "step-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String host() {
    return host;
  }

  int port() {
    return server.getLocalPort();
  }

  /** The run's key, for the tasks' {@link Endpoint} (never logged, never on the wire). */
  byte[] key() {
    return key.clone();
  }

  boolean seals() {
    return seal;
  }

  Wire wire(int partition) {
    return wires[partition];
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        continue;  // closed, or a failed accept: the loop condition decides
      }
      if (pending.incrementAndGet() > MAX_PENDING_HANDSHAKES) {
        pending.decrementAndGet();
        closeQuietly(s);
        continue;
      }
      Thread t = new Thread(() -> {
        try {
          DriverLink.Accepted a = DriverLink.accept(s, key, seal,
              Math.min(timeoutMillis, HANDSHAKE_MILLIS));
          s.setSoTimeout(timeoutMillis);
          authenticated.add(a);
        } catch (IOException | RuntimeException e) {
          closeQuietly(s);  // garbage, silence, a wrong proof: drop it
        } finally {
          pending.decrementAndGet();
        }
      }, "step-server-handshake");
      t.setDaemon(true);
      t.start();
    }
  }

  /**
   * Waits until every partition of the newest stage attempt of this epoch's driverAttempt-th
   * job has connected and authenticated (tasks of older tries are turned away). Fails when the
   * Spark job ends first (its exception is rethrown).
   */
  void acceptAll(int epoch, int driverAttempt, int partitions, Future<?> job) throws IOException,
      InterruptedException, ExecutionException {
    closeAll();
    wires = new Wire[partitions];
    int connected = 0;
    while (connected < partitions) {
      DriverLink.Accepted a = authenticated.poll(200, TimeUnit.MILLISECONDS);
      if (a == null) {
        if (job.isDone()) {
          job.get();
          throw new IOException("the epoch's Spark job ended before all " + partitions
              + " partitions connected");
        }
        continue;
      }
      DriverLink.Hello h = a.hello();
      Wire w = a.wire();
      int part = h.partition();
      if (h.epoch() != epoch || h.driverTry() != driverAttempt || part < 0
          || part >= partitions || h.stageAttempt() < attempt) {
        w.close();
        continue;
      }
      if (h.stageAttempt() > attempt) {
        // A retried stage: the older attempt's tasks are gone or being killed.
        closeAll();
        wires = new Wire[partitions];
        connected = 0;
        attempt = h.stageAttempt();
      }
      if (wires[part] != null) {
        wires[part].close();
        connected--;
      }
      wires[part] = w;
      connected++;
    }
    // Whoever else is waiting is late (an older attempt) or a duplicate: turned away.
    for (DriverLink.Accepted a; (a = authenticated.poll()) != null; ) {
      a.wire().close();
    }
  }

  /** Authenticated connections not yet taken by {@link #acceptAll}. */
  int queued() {
    return authenticated.size();
  }

  /** A new epoch or a new try of one: the stage attempt counter starts again. */
  void newEpoch() {
    attempt = -1;
  }

  void closeAll() {
    for (Wire w : wires) {
      if (w != null) {
        w.close();
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing left to do
    }
  }

  @Override
  public void close() {
    closed = true;
    closeAll();
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    for (DriverLink.Accepted a; (a = authenticated.poll()) != null; ) {
      a.wire().close();
    }
  }
}
