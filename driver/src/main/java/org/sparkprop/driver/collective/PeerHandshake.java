package org.sparkprop.driver.collective;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a {@link PeerChannel} starts: the sending peer connects, the receiving peer accepts, and
 * they prove to each other that they belong to the job (see {@link PeerChannel} for the
 * protocol). Each incoming connection's handshake runs on a thread of its own, so a stranger,
 * garbage or silence holds up nothing.
 */
final class PeerHandshake {
  static final int MAGIC = 0x53505243;
  static final int VERSION = 2;
  static final int ACCEPTED = 1;
  private static final int NONCE = 16;
  private static final int PROOF = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * How long accept waits before looking whether a handshake already won: the ring's join
   * waits up to this long after its peer is in, every epoch (200 ms here cost small runs
   * 0.2 s an epoch).
   */
  private static final int ACCEPT_POLL_MILLIS = 5;
  /** Handshakes in progress at once; connections beyond are closed at once. */
  private static final int MAX_PENDING_HANDSHAKES = 16;

  private PeerHandshake() {}

  /**
   * The sending end: connects to the receiver at to and proves itself; fails naming the peer
   * when it cannot connect, the peer does not answer within timeoutMillis, or the peer's proof
   * is wrong.
   */
  static PeerChannel connect(InetSocketAddress to, long session, int sender, int receiver,
      PeerSecurity security, int timeoutMillis) throws IOException {
    String peer = "rank " + receiver + " at " + to.getHostString() + ":" + to.getPort();
    Socket s = new Socket();
    try {
      s.connect(to, timeoutMillis);
      configure(s, timeoutMillis);
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(),
          1 << 16));
      byte[] myNonce = nonce();
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(session);
      out.writeInt(sender);
      out.writeInt(receiver);
      out.write(myNonce);
      out.flush();
      byte[] theirNonce = new byte[NONCE];
      in.readFully(theirNonce);
      byte[] key = null;
      if (security.authenticates()) {
        byte[] proof = new byte[PROOF];
        in.readFully(proof);
        Handshake h = new Handshake(security.secret(), session, sender, receiver, myNonce,
            theirNonce);
        if (!MessageDigest.isEqual(proof, h.mac("receiver"))) {
          throw new IOException(peer + " could not prove it holds the cluster's secret "
              + "(a different secret, or not a peer of this job)");
        }
        out.write(h.mac("sender"));
        out.flush();
        key = security.encrypts() ? h.mac("key") : null;
      }
      if (in.read() != ACCEPTED) {
        throw new IOException(peer + " refused the connection (wrong secret or session)");
      }
      return new PeerChannel(s, in, out, peer, key);
    } catch (SocketTimeoutException e) {
      s.close();
      throw new IOException(peer + " did not answer within " + timeoutMillis + " ms", e);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e instanceof IOException io && io.getMessage() != null
          && io.getMessage().startsWith("rank ") ? io
          : new IOException("cannot reach " + peer + ": " + e.getMessage(), e);
    }
  }

  /**
   * The receiving end: accepts connections on server until the expected sender has
   * authenticated itself. Each connection's handshake runs on a thread of its own, so a
   * stranger, garbage, silence (dropped after timeoutMillis) or a wrong proof holds up nothing;
   * fails when deadline (epoch milliseconds) passes first.
   */
  static PeerChannel accept(ServerSocket server, long session, int receiver, int sender,
      PeerSecurity security, int timeoutMillis, long deadline) throws IOException {
    CompletableFuture<PeerChannel> winner = new CompletableFuture<>();
    AtomicInteger pending = new AtomicInteger();
    while (!winner.isDone()) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        winner.complete(null);
        break;
      }
      server.setSoTimeout((int) Math.min(ACCEPT_POLL_MILLIS, left));
      Socket s;
      try {
        s = server.accept();
      } catch (SocketTimeoutException e) {
        continue;
      }
      if (pending.incrementAndGet() > MAX_PENDING_HANDSHAKES) {
        pending.decrementAndGet();
        s.close();
        continue;
      }
      Thread t = new Thread(() -> {
        try {
          PeerChannel c = handshake(s, session, receiver, sender, security, timeoutMillis);
          if (!winner.complete(c)) {
            c.close();
          }
        } catch (IOException e) {
          closeQuietly(s);  // garbage, silence, a wrong proof: drop it
        } finally {
          pending.decrementAndGet();
        }
      }, "ring-handshake-" + receiver);
      t.setDaemon(true);
      t.start();
    }
    PeerChannel c = winner.join();
    if (c == null) {
      throw new IOException("rank " + receiver + ": rank " + sender + " did not connect and "
          + "authenticate within the time allowed");
    }
    return c;
  }

  /** The receiver's side of the handshake on s; throws when s is not the expected sender. */
  private static PeerChannel handshake(Socket s, long session, int receiver, int sender,
      PeerSecurity security, int timeoutMillis) throws IOException {
    configure(s, timeoutMillis);
    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(),
        1 << 16));
    if (in.readInt() != MAGIC || in.readInt() != VERSION || in.readLong() != session
        || in.readInt() != sender || in.readInt() != receiver) {
      throw new IOException("not the expected peer");
    }
    byte[] theirNonce = new byte[NONCE];
    in.readFully(theirNonce);
    byte[] myNonce = nonce();
    out.write(myNonce);
    byte[] key = null;
    if (security.authenticates()) {
      Handshake h = new Handshake(security.secret(), session, sender, receiver, theirNonce,
          myNonce);
      out.write(h.mac("receiver"));
      out.flush();
      byte[] proof = new byte[PROOF];
      in.readFully(proof);
      if (!MessageDigest.isEqual(proof, h.mac("sender"))) {
        throw new IOException("wrong proof");
      }
      key = security.encrypts() ? h.mac("key") : null;
    }
    out.write(ACCEPTED);
    out.flush();
    return new PeerChannel(s, in, out, "rank " + sender, key);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing left to do
    }
  }

  private static void configure(Socket s, int timeoutMillis) throws IOException {
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeoutMillis);
    s.setSendBufferSize(1 << 20);
    s.setReceiveBufferSize(1 << 20);
  }

  private static byte[] nonce() {
    byte[] n = new byte[NONCE];
    RANDOM.nextBytes(n);
    return n;
  }

  /** The handshake's MACs over (label, session, ranks, nonces). */
  private static final class Handshake {
    private final byte[] secret;
    private final byte[] context;

    Handshake(byte[] secret, long session, int sender, int receiver, byte[] senderNonce,
        byte[] receiverNonce) {
      this.secret = secret;
      this.context = ByteBuffer.allocate(16 + 2 * NONCE).putLong(session).putInt(sender)
          .putInt(receiver).put(senderNonce).put(receiverNonce).array();
    }

    byte[] mac(String label) {
      return Hmac.mac(secret, label, context);
    }
  }

  /** The next peer may not listen yet when this one starts: retry until the deadline. */
  static PeerChannel connectWithRetry(InetSocketAddress to, long session, int sender,
      int receiver, PeerSecurity security, int timeoutMillis, long deadline)
      throws IOException, InterruptedException {
    while (true) {
      try {
        return connect(to, session, sender, receiver, security, timeoutMillis);
      } catch (IOException e) {
        boolean refusedNow = e.getMessage() != null && e.getMessage().startsWith("cannot reach");
        if (!refusedNow || System.currentTimeMillis() + 50 > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
