package org.sparkprop.driver.collective;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Ring all-reduce (Baidu's, as Horovod runs it): P peers in a ring, each sending to the next
 * and receiving from the previous. The range is cut into P chunks; a reduce-scatter of P − 1
 * steps leaves peer r with the full sum of chunk (r + 1) mod P, and an all-gather of P − 1
 * steps passes the finished chunks around. Every peer sends and receives 2·(P − 1)/P·n floats
 * per all-reduce, whatever P. Chunk c is summed in ring order starting at peer c, so the bits
 * are the same on every peer and in every run with the same P.
 *
 * <p>Each step sends one chunk while receiving another: a sending thread of this peer
 * writes, the calling thread reads and adds. Nothing is allocated per step beyond the cipher's
 * per-frame parameters when frames are sealed.
 */
public final class Ring implements Collective {
  private static final SecureRandom NAMES = new SecureRandom();
  private final int rank;
  private final int size;
  private final int peersOnHost;
  private final PeerChannel next;
  private final PeerChannel prev;
  private final Thread sender;
  private final Semaphore toSend = new Semaphore(0);
  private final Semaphore sent = new Semaphore(0);
  private volatile float[] sendArray;
  private volatile int sendOff;
  private volatile int sendLen;
  private volatile boolean sendBf16;
  /** Not null: the sender sends the ranges these pieces walk instead. */
  private volatile Pieces sendPieces;
  private final Pieces outPieces = new Pieces();
  private final Pieces inPieces = new Pieces();
  /** One step's chunk of every range (out and in), grown to the largest range count seen. */
  private int[] outOffs = new int[0];
  private int[] outLens = new int[0];
  private int[] inOffs = new int[0];
  private int[] inLens = new int[0];
  private volatile IOException sendFailure;
  private volatile boolean closed;
  private long bytesSent;
  private long bytesReceived;

  private Ring(int rank, int size, PeerChannel next, PeerChannel prev, int peersOnHost) {
    this.peersOnHost = peersOnHost;
    this.rank = rank;
    this.size = size;
    this.next = next;
    this.prev = prev;
    if (size > 1) {
      sender = new Thread(this::sendLoop, "ring-send-" + rank);
      sender.setDaemon(true);
      sender.start();
    } else {
      sender = null;
    }
  }

  /**
   * Joins the ring of peers, where peers.get(i) is peer i's listening address and server is
   * this peer's own listening socket (bound before the addresses were exchanged). Connects to
   * the next peer and accepts the previous one at the same time; fails naming the peer that did
   * not join within timeoutMillis.
   */
  public static Ring join(int rank, List<InetSocketAddress> peers, ServerSocket server,
      long session, PeerSecurity security, int timeoutMillis) throws IOException {
    return join(rank, peers, server, session, security, timeoutMillis, true);
  }

  /**
   * As above; with sharedMemory, a neighbour on this host (the same address as server's) is
   * linked through shared memory ({@link SharedMemory}) unless frames are sealed.
   */
  public static Ring join(int rank, List<InetSocketAddress> peers, ServerSocket server,
      long session, PeerSecurity security, int timeoutMillis, boolean sharedMemory)
      throws IOException {
    int p = peers.size();
    if (rank < 0 || rank >= p) {
      throw new IllegalArgumentException("rank " + rank + " of " + p + " peers");
    }
    if (p == 1) {
      return new Ring(0, 1, null, null, 1);
    }
    int nextRank = (rank + 1) % p;
    int prevRank = (rank + p - 1) % p;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    PeerChannel[] accepted = new PeerChannel[1];
    IOException[] acceptFailure = new IOException[1];
    Thread acceptor = new Thread(() -> {
      try {
        accepted[0] = PeerHandshake.accept(server, session, rank, prevRank, security,
            timeoutMillis, deadline);
      } catch (IOException e) {
        acceptFailure[0] = e;
      }
    }, "ring-accept-" + rank);
    acceptor.start();
    PeerChannel toNext = null;
    try {
      toNext = PeerHandshake.connectWithRetry(peers.get(nextRank), session, rank, nextRank,
          security, timeoutMillis, deadline);
      acceptor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("rank " + rank + ": interrupted while joining the ring", e);
    } finally {
      if (acceptFailure[0] != null || accepted[0] == null) {
        if (toNext != null) {
          toNext.close();
        }
      }
    }
    if (acceptFailure[0] != null) {
      throw acceptFailure[0];
    }
    PeerChannel fromPrev = accepted[0];
    // Offer the next peer a shared-memory link when it is on this host (a write: it does not
    // block), take the previous peer's offer, then wait until the next peer has taken ours.
    boolean sameHost = sharedMemory && SharedMemory.available()
        && peers.get(nextRank).getAddress() != null
        && peers.get(nextRank).getAddress().equals(server.getInetAddress());
    // A random part too: runs and test JVMs on one host never collide, nor meet a stale file.
    String name = sameHost ? "sparkprop-" + Long.toHexString(session) + "-" + rank + "-"
        + nextRank + "-" + Long.toHexString(NAMES.nextLong() >>> 1) : null;
    try {
      toNext.offer(name);
      fromPrev.takeOffer();
      toNext.awaitTaken(name);
    } catch (IOException | RuntimeException e) {
      toNext.close();
      fromPrev.close();
      if (name != null) {
        SharedMemory.delete(name);
      }
      throw e;
    }
    int onHost = 0;
    for (InetSocketAddress a : peers) {
      onHost += a.getAddress() != null && a.getAddress().equals(server.getInetAddress()) ? 1 : 0;
    }
    return new Ring(rank, p, toNext, fromPrev, Math.max(1, onHost));
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void allReduce(float[] a, int off, int n) throws IOException {
    reduceScatter(a, off, n);
    allGather(a, off, n);
  }

  @Override
  public void reduceScatter(float[] a, int off, int n) throws IOException {
    reduceScatter(a, off, n, false);
  }

  @Override
  public void reduceScatter(float[] a, int off, int n, boolean bf16) throws IOException {
    if (size == 1 || n == 0) {
      return;
    }
    // At step s send chunk (r − s), receive chunk (r − s − 1) and add.
    for (int s = 0; s < size - 1; s++) {
      exchange(a, off, n, Math.floorMod(rank - s, size), Math.floorMod(rank - s - 1, size),
          true, bf16);
    }
  }

  @Override
  public void allGather(float[] a, int off, int n) throws IOException {
    if (size == 1 || n == 0) {
      return;
    }
    // At step s send chunk (r + 1 − s), receive chunk (r − s) and overwrite.
    for (int s = 0; s < size - 1; s++) {
      exchange(a, off, n, Math.floorMod(rank + 1 - s, size), Math.floorMod(rank - s, size),
          false, false);
    }
  }

  /**
   * Every range's chunk of a step travels in that one step, the chunks packed into frames
   * back to back: P − 1 exchange steps for all the ranges (a bucketed gradient's parameters)
   * instead of P − 1 for each, one wait for the neighbour per step (which costs more than
   * moving a bucket on one host), and as few frames as the values need.
   */
  @Override
  public void allGather(float[] a, int[] offs, int[] lens, int count) throws IOException {
    if (size == 1 || count == 0) {
      return;
    }
    for (int s = 0; s < size - 1; s++) {
      exchangeRanges(a, offs, lens, count, Math.floorMod(rank + 1 - s, size),
          Math.floorMod(rank - s, size));
    }
  }

  /** After a reduce-scatter this peer holds chunk (r + 1) mod P: its first element. */
  @Override
  public int ownedFrom(int off, int n) {
    return off + chunkStart(n, (rank + 1) % size);
  }

  @Override
  public int ownedTo(int off, int n) {
    return off + chunkStart(n, (rank + 1) % size + 1);
  }

  private void exchange(float[] a, int off, int n, int sendChunk, int receiveChunk,
      boolean add, boolean bf16) throws IOException {
    int so = chunkStart(n, sendChunk);
    int sl = chunkStart(n, sendChunk + 1) - so;
    int ro = chunkStart(n, receiveChunk);
    int rl = chunkStart(n, receiveChunk + 1) - ro;
    IOException failure = null;
    if (next.sharedMemory() && frames(sl) <= SharedMemory.SLOTS / 2) {
      // Shared memory takes the chunk without waiting for the peer (the slots hold it and the
      // peer's previous one): send on this thread, no hand-off.
      try {
        next.send(a, off + so, sl, bf16);
        prev.receive(a, off + ro, rl, add, bf16);
      } catch (IOException e) {
        failure = e;
      }
    } else {
      sendArray = a;
      sendOff = off + so;
      sendLen = sl;
      sendBf16 = bf16;
      toSend.release();
      try {
        prev.receive(a, off + ro, rl, add, bf16);
      } catch (IOException e) {
        failure = e;
      }
      sent.acquireUninterruptibly();
    }
    countMoved(bf16 ? 2 : 4, sl, rl);
    rethrow(failure);
  }

  /**
   * One all-gather step over several ranges: chunk sendChunk of each out, receiveChunk in, the
   * chunks walked as one stream of values, so frames fill across ranges.
   */
  private void exchangeRanges(float[] a, int[] offs, int[] lens, int count, int sendChunk,
      int receiveChunk) throws IOException {
    if (outOffs.length < count) {
      outOffs = new int[count];
      outLens = new int[count];
      inOffs = new int[count];
      inLens = new int[count];
    }
    for (int i = 0; i < count; i++) {
      int so = chunkStart(lens[i], sendChunk);
      outOffs[i] = offs[i] + so;
      outLens[i] = chunkStart(lens[i], sendChunk + 1) - so;
      int ro = chunkStart(lens[i], receiveChunk);
      inOffs[i] = offs[i] + ro;
      inLens[i] = chunkStart(lens[i], receiveChunk + 1) - ro;
    }
    Pieces out = outPieces.of(outOffs, outLens, count);
    Pieces in = inPieces.of(inOffs, inLens, count);
    IOException failure = null;
    if (next.sharedMemory() && frames(out.total()) <= SharedMemory.SLOTS / 2) {
      try {
        next.send(a, out, false);
        prev.receive(a, in, false, false);
      } catch (IOException e) {
        failure = e;
      }
    } else {
      sendArray = a;
      sendPieces = out;
      toSend.release();
      try {
        prev.receive(a, in, false, false);
      } catch (IOException e) {
        failure = e;
      }
      sent.acquireUninterruptibly();
      sendPieces = null;
    }
    countMoved(4, out.total(), in.total());
    rethrow(failure);
  }

  /** Throws this step's failure, receiving or (from the sending thread) sending, by rank. */
  private void rethrow(IOException failure) throws IOException {
    if (failure != null) {
      throw new IOException("rank " + rank + ": " + failure.getMessage(), failure);
    }
    if (sendFailure != null) {
      IOException e = sendFailure;
      sendFailure = null;
      throw new IOException("rank " + rank + ": " + e.getMessage(), e);
    }
  }

  private static int frames(int floats) {
    return (floats + PeerChannel.FRAME_FLOATS - 1) / PeerChannel.FRAME_FLOATS;
  }

  /** First element of chunk c of n elements cut into P near-equal chunks. */
  int chunkStart(int n, int c) {
    return chunkStart(n, c, size);
  }

  /**
   * First element of chunk c of n elements cut into size near-equal chunks; rank r holds
   * chunk (r + 1) mod size after a reduce-scatter, and an all-gather starts from there (so a
   * buffer each rank has that chunk of is whole everywhere after {@link #allGather}).
   */
  public static int chunkStart(int n, int c, int size) {
    return (int) ((long) n * c / size);
  }

  private void sendLoop() {
    while (true) {
      toSend.acquireUninterruptibly();
      if (closed) {
        return;
      }
      try {
        Pieces pieces = sendPieces;
        if (pieces == null) {
          next.send(sendArray, sendOff, sendLen, sendBf16);
        } else {
          next.send(sendArray, pieces, false);
        }
      } catch (IOException e) {
        sendFailure = e;
      }
      sent.release();
    }
  }

  /**
   * The links to the next and from the previous peer when both go through shared memory (all
   * of this peer's ring traffic stays on the host), else null.
   */
  SharedMemory[] sharedLinks() {
    if (size == 1 || !next.sharedMemory() || !prev.sharedMemory()) {
      return null;
    }
    return new SharedMemory[] {next.link(), prev.link()};
  }

  /** The peers of this ring (this one included) that listen on this peer's host address. */
  public int peersOnHost() {
    return peersOnHost;
  }

  /** Counts values moved (by this class's steps or others'), with their frame headers. */
  void countMoved(int width, int sentValues, int receivedValues) {
    bytesSent += (long) width * sentValues + (long) next.frameOverhead() * frames(sentValues);
    bytesReceived += (long) width * receivedValues
        + (long) prev.frameOverhead() * frames(receivedValues);
  }

  /** Whether this peer sends to the next one through shared memory (the same host). */
  public boolean sendsThroughSharedMemory() {
    return next != null && next.sharedMemory();
  }

  @Override
  public long bytesSent() {
    return bytesSent;
  }

  @Override
  public long bytesReceived() {
    return bytesReceived;
  }

  @Override
  public void close() {
    closed = true;
    if (sender != null) {
      toSend.release();
      next.close();
      prev.close();
    }
  }
}
