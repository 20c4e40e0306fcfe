package org.sparkprop.driver.exchange;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.sparkprop.driver.collective.Hmac;
import org.sparkprop.driver.collective.SealedStreams;

/**
 * The handshake of a task's connection to the driver's {@link StepServer}. The run's random
 * 32-byte key reaches the tasks inside their Spark task (Spark's own transport carries it,
 * under the cluster's spark.authenticate and encryption settings) and never travels on this
 * connection: task → driver: int magic "SPDL", int version, the hello (int epoch, int driver
 * try, int Spark stage attempt, int partition), 16-byte nonce; driver → task: its nonce and
 * HMAC-SHA256(key, "driver" | hello | nonces); the task checks it and answers with its own
 * proof ("task" | …); the driver checks that and answers {@link #ACCEPTED}. Both ends prove
 * they hold the key, so neither a stranger nor a stale task of an older run gets in, and a
 * task never talks to an impostor driver. With sealing (spark.network.crypto.enabled), all
 * that follows is sealed with AES-256-GCM ({@link SealedStreams}) under keys derived from
 * the key and both nonces, one per direction.
 */
final class DriverLink {
  static final int MAGIC = 0x5350444c;
  static final int VERSION = 1;
  static final int ACCEPTED = 1;
  private static final int NONCE = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a task says it is: the hello's fields. */
  record Hello(int epoch, int driverTry, int stageAttempt, int partition) {
    byte[] bytes() {
      return ByteBuffer.allocate(16).putInt(epoch).putInt(driverTry).putInt(stageAttempt)
          .putInt(partition).array();
    }
  }

  /** An authenticated connection and the hello it came with. */
  record Accepted(Hello hello, Wire wire) {}

  private DriverLink() {}

  /** A fresh random run key. */
  static byte[] newKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  /**
   * The task's end: connects to the driver, says hello and runs the handshake; fails naming
   * the driver when it does not answer within the endpoint's timeout or cannot prove it holds
   * the key.
   */
  static Wire connect(Endpoint driver, Hello hello) throws IOException {
    String who = "the driver at " + driver.host() + ":" + driver.port();
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(driver.host(), driver.port()), driver.timeoutMillis());
      Wire.configure(s, driver.timeoutMillis());
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          s.getOutputStream()));
      byte[] mine = nonce();
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.write(hello.bytes());
      out.write(mine);
      out.flush();
      byte[] theirs = new byte[NONCE];
      in.readFully(theirs);
      byte[] proof = new byte[Hmac.LENGTH];
      in.readFully(proof);
      byte[] context = context(hello, mine, theirs);
      if (!MessageDigest.isEqual(proof, Hmac.mac(driver.key(), "driver", context))) {
        throw new IOException(who + " could not prove it holds the run's key");
      }
      out.write(Hmac.mac(driver.key(), "task", context));
      out.flush();
      if (in.read() != ACCEPTED) {
        throw new IOException(who + " refused the connection");
      }
      return wire(s, in, out, driver.key(), driver.seal(), context, "task", "driver", who);
    } catch (SocketTimeoutException e) {
      s.close();
      throw new IOException(who + " did not answer within " + driver.timeoutMillis() + " ms",
          e);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * The driver's end on an accepted socket: reads the hello, runs the handshake within
   * timeoutMillis; throws when s does not hold the key or says anything else.
   */
  static Accepted accept(Socket s, byte[] key, boolean seal, int timeoutMillis)
      throws IOException {
    Wire.configure(s, timeoutMillis);
    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
    if (in.readInt() != MAGIC || in.readInt() != VERSION) {
      throw new IOException("not a sparkprop task");
    }
    Hello hello = new Hello(in.readInt(), in.readInt(), in.readInt(), in.readInt());
    byte[] theirs = new byte[NONCE];
    in.readFully(theirs);
    byte[] mine = nonce();
    byte[] context = context(hello, theirs, mine);
    out.write(mine);
    out.write(Hmac.mac(key, "driver", context));
    out.flush();
    byte[] proof = new byte[Hmac.LENGTH];
    in.readFully(proof);
    if (!MessageDigest.isEqual(proof, Hmac.mac(key, "task", context))) {
      throw new IOException("wrong proof");
    }
    out.write(ACCEPTED);
    out.flush();
    return new Accepted(hello, wire(s, in, out, key, seal, context, "driver", "task",
        "partition " + hello.partition()));
  }

  /** hello | task nonce | driver nonce. */
  private static byte[] context(Hello hello, byte[] taskNonce, byte[] driverNonce) {
    return ByteBuffer.allocate(16 + 2 * NONCE).put(hello.bytes()).put(taskNonce)
        .put(driverNonce).array();
  }

  /** The wire over the handshake's streams, sealed in both directions when asked. */
  private static Wire wire(Socket s, DataInputStream in, DataOutputStream out, byte[] key,
      boolean seal, byte[] context, String me, String other, String peer) throws IOException {
    if (!seal) {
      return new Wire(s, in, out);
    }
    InputStream sealedIn = new SealedStreams.In(in, Hmac.mac(key, "seal " + other, context),
        peer);
    OutputStream sealedOut = new SealedStreams.Out(out, Hmac.mac(key, "seal " + me, context));
    return new Wire(s, new DataInputStream(new BufferedInputStream(sealedIn, 1 << 16)),
        new DataOutputStream(new BufferedOutputStream(sealedOut, 1 << 16)));
  }

  private static byte[] nonce() {
    byte[] n = new byte[NONCE];
    RANDOM.nextBytes(n);
    return n;
  }
}
