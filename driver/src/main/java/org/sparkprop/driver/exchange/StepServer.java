package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The driver's end of the direct exchange: a server socket on the driver's address (an
 * ephemeral port) that the epoch's barrier tasks connect to. Connections must present the
 * run's random token. When Spark retries a barrier stage (a worker died), the tasks of the
 * newer stage attempt replace those of the older one.
 */
final class StepServer implements AutoCloseable {
  private final ServerSocket server;
  private final String host;
  private final long token = new SecureRandom().nextLong();
  private final int timeoutMillis;
  private Wire[] wires = new Wire[0];
  private int attempt = -1;

  StepServer(String host, String bindAddress, int timeoutMillis) throws IOException {
    this.host = host;
    this.timeoutMillis = timeoutMillis;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0), 64);
    server.setSoTimeout(200);
  }

  String host() {
    return host;
  }

  int port() {
    return server.getLocalPort();
  }

  long token() {
    return token;
  }

  Wire wire(int partition) {
    return wires[partition];
  }

  /**
   * Waits until every partition of the newest stage attempt of this epoch's driverAttempt-th
   * job has connected and said hello (tasks of older tries are turned away). Fails when the
   * Spark job ends first (its exception is rethrown).
   */
  void acceptAll(int epoch, int driverAttempt, int partitions, Future<?> job) throws IOException,
      InterruptedException, ExecutionException {
    closeAll();
    wires = new Wire[partitions];
    int connected = 0;
    while (connected < partitions) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketTimeoutException e) {
        if (job.isDone()) {
          job.get();
          throw new IOException("the epoch's Spark job ended before all " + partitions
              + " partitions connected");
        }
        continue;
      }
      Wire w = new Wire(s, timeoutMillis);
      try {
        long tok = w.in.readLong();
        int ep = w.in.readInt();
        int tryOfDriver = w.in.readInt();
        int att = w.in.readInt();
        int part = w.in.readInt();
        if (tok != token || ep != epoch || tryOfDriver != driverAttempt || part < 0
            || part >= partitions || att < attempt) {
          w.close();
          continue;
        }
        if (att > attempt) {
          // A retried stage: the older attempt's tasks are gone or being killed.
          closeAll();
          wires = new Wire[partitions];
          connected = 0;
          attempt = att;
        }
        if (wires[part] != null) {
          wires[part].close();
          connected--;
        }
        wires[part] = w;
        connected++;
      } catch (IOException e) {
        w.close();
      }
    }
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

  @Override
  public void close() {
    closeAll();
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
  }
}
