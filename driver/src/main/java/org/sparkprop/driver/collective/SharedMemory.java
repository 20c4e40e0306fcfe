package org.sparkprop.driver.collective;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.locks.LockSupport;

/**
 * One direction of a ring link between two peers on the same host, through a memory-mapped
 * file in /dev/shm instead of the loopback: the sender copies a frame of values into one of
 * two slots and publishes it, the receiver adds it straight out of the slot and releases it.
 * No system call and no kernel copy per frame; the TCP connection the peers authenticated on
 * stays open and tells when the peer is gone. Values, frame headers and the bytes counted are
 * those of {@link PeerChannel}, so the ring's sums and byte counts are the same bits either way.
 *
 * <p>Layout: long published (frames the sender has published), long consumed (frames the
 * receiver has released), int closed (either end), int sleeping (the receiver), {@link #SLOTS}
 * int slot headers, then {@link #SLOTS} slots of {@link PeerChannel#FRAME_FLOATS} floats.
 * Frame k uses slot k mod SLOTS once frame k − SLOTS is released. A waiting receiver spins
 * briefly, yields its core for a while, then blocks on the TCP connection, which the sender
 * rings with one byte after publishing (an eventcount: no CPU burnt while a computing thread
 * needs the core); it gives up after the timeout, when the peer closes or when its thread is
 * interrupted (Spark killing the task).
 */
final class SharedMemory {
  private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class,
      ByteOrder.nativeOrder());
  private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class,
      ByteOrder.nativeOrder());
  private static final int PUBLISHED = 0;
  private static final int CONSUMED = 64;
  private static final int CLOSED = 128;
  /** 1 while the receiver is about to block on the doorbell. */
  private static final int SLEEPING = 160;
  private static final int HEADERS = 192;
  private static final int DATA = 256;
  private static final int SLOT_BYTES = 4 * PeerChannel.FRAME_FLOATS;
  /** Frames in flight at most: a chunk of up to this many frames is sent without waiting. */
  static final int SLOTS = 8;
  static final int SIZE = DATA + SLOTS * SLOT_BYTES;
  private static final Path DIR = Paths.get("/dev/shm");
  private static final int SPINS = 300;
  /**
   * After spinning, a waiting receiver yields its core for up to this long before it blocks:
   * in lockstep training the neighbour is usually a fraction of a millisecond behind, and a
   * yielding end sees its frame within microseconds (a blocked one needs the doorbell's
   * wake-up, 0.1–0.2 ms on a busy host) while another thread that wants the core gets it.
   */
  private static final long YIELD_NANOS = 300_000;
  /** A blocked end wakes this often to check the time, the interrupt and a closed peer. */
  private static final int SLEEP_MILLIS = 100;

  /**
   * The TCP connection beside the link: a doorbell that wakes a receiver blocked on it (so a
   * waiting end burns no CPU that a computing thread needs) and tells when the peer is gone.
   */
  interface Peer {
    /**
     * Blocks until a doorbell byte arrives or waitMillis pass; false once the peer has closed
     * its end of the connection.
     */
    boolean sleep(int waitMillis) throws IOException;

    /** Rings the doorbell: one byte to the receiver (a receiver gone meanwhile is no error). */
    void ring();
  }

  private final MappedByteBuffer map;
  private final FloatBuffer[] floats = new FloatBuffer[SLOTS];
  private final ShortBuffer[] halves = new ShortBuffer[SLOTS];
  private final float[] scratch = new float[PeerChannel.FRAME_FLOATS];
  private final short[] halfScratch = new short[PeerChannel.FRAME_FLOATS];
  private final String peer;
  private final Peer liveness;
  private final long timeoutNanos;
  private long frames;

  private SharedMemory(MappedByteBuffer map, String peer, Peer liveness, int timeoutMillis) {
    this.map = map;
    this.peer = peer;
    this.liveness = liveness;
    this.timeoutNanos = timeoutMillis * 1_000_000L;
    for (int s = 0; s < SLOTS; s++) {
      ByteBuffer slot = map.duplicate().position(DATA + s * SLOT_BYTES)
          .limit(DATA + (s + 1) * SLOT_BYTES);
      floats[s] = slot.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      halves[s] = slot.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    }
  }

  /** Whether this host has a shared-memory folder to map links in. */
  static boolean available() {
    return Files.isDirectory(DIR) && Files.isWritable(DIR);
  }

  /** The sending end: creates and maps a fresh file (owner-only) named after the link. */
  static SharedMemory create(String name, String peer, Peer liveness, int timeoutMillis)
      throws IOException {
    Path file = DIR.resolve(name);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      return new SharedMemory(ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE), peer, liveness,
          timeoutMillis);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** The receiving end: maps the sender's file, then deletes its name (the mapping stays). */
  static SharedMemory open(String name, String peer, Peer liveness, int timeoutMillis)
      throws IOException {
    if (!name.matches("sparkprop-[0-9a-f]+-\\d+-\\d+-[0-9a-f]+")) {
      throw new IOException(peer + " offered the shared-memory file '" + name + "'");
    }
    Path file = DIR.resolve(name);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      if (ch.size() != SIZE) {
        throw new IOException(peer + "'s shared-memory file holds " + ch.size() + " bytes, "
            + "expected " + SIZE);
      }
      return new SharedMemory(ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE), peer, liveness,
          timeoutMillis);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Deletes the file of a link whose receiver never mapped it. */
  static void delete(String name) {
    try {
      Files.deleteIfExists(DIR.resolve(name));
    } catch (IOException e) {
      // best effort: tmpfs space of an aborted join
    }
  }

  /**
   * Sends the values of a that pieces walks, as frames of floats or bfloat16 (see
   * {@link PeerChannel}): a frame takes values from as many ranges as fit.
   */
  void send(float[] a, Pieces pieces, boolean bf16) throws IOException {
    for (int n = pieces.total(); n > 0; ) {
      awaitSlot(null);
      n -= putFrame(a, pieces, n, bf16);
    }
  }

  /**
   * Sends, without waiting, frames of the next at most n values pieces walks while slots are
   * free; returns how many values went (whole frames, so a later call goes on where this one
   * stopped).
   */
  int trySend(float[] a, Pieces pieces, int n, boolean bf16) {
    int sent = 0;
    while (sent < n && slotFree()) {
      sent += putFrame(a, pieces, n - sent, bf16);
    }
    return sent;
  }

  /** Whether the next frame's slot is free (the receiver released frame k − SLOTS). */
  boolean slotFree() {
    return (long) LONG.getAcquire(map, CONSUMED) >= frames - SLOTS + 1;
  }

  /**
   * Waits until the next frame's slot is free or, when other is not null, a frame from other's
   * peer is there to take. The slot is free once frame k − SLOTS is released: a receiver that
   * far behind is rare, so this end just polls.
   */
  void awaitSlot(SharedMemory other) throws IOException {
    long start = System.nanoTime();
    for (int spins = 0; !slotFree() && (other == null || !other.framePublished()); spins++) {
      if (spins < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(50_000);
        // Closed after releasing the slot is fine: the loop condition sees that first.
        if ((int) INT.getAcquire(map, CLOSED) != 0 && !slotFree()) {
          throw new IOException(peer + " closed the connection");
        }
        check(start);
      }
    }
  }

  /** Copies the next at most n values into the next slot and publishes it; returns how many. */
  private int putFrame(float[] a, Pieces pieces, int n, boolean bf16) {
    int m = Math.min(n, PeerChannel.FRAME_FLOATS);
    long k = frames;
    int slot = (int) (k % SLOTS);
    if (bf16) {
      FrameValues.takeHalves(a, pieces, m, halfScratch);
      halves[slot].clear();
      halves[slot].put(halfScratch, 0, m);
    } else {
      floats[slot].clear();
      for (int f = 0, c; f < m; f += c) {
        c = pieces.take(m - f);
        floats[slot].put(a, pieces.at(), c);
      }
    }
    INT.setRelease(map, HEADERS + 4 * slot, PeerChannel.header(m, bf16));
    // Volatile (sequentially consistent) publish, then read SLEEPING: with the receiver's
    // volatile SLEEPING = 1 then read of PUBLISHED, one of the two sees the other's write, so
    // a receiver never sleeps through a frame.
    LONG.setVolatile(map, PUBLISHED, k + 1);
    if ((int) INT.getVolatile(map, SLEEPING) != 0) {
      liveness.ring();
    }
    frames = k + 1;
    return m;
  }

  /**
   * Receives the values of a that pieces walks, as {@link #send} sent them; with add,
   * a[j] = received + a[j], else overwrites.
   */
  void receive(float[] a, Pieces pieces, boolean add, boolean bf16) throws IOException {
    for (int n = pieces.total(); n > 0; ) {
      awaitFrame();
      n -= takeFrame(a, pieces, n, add, bf16);
    }
  }

  /**
   * Receives, without waiting, the frames already there of the next at most n values pieces
   * walks; returns how many values came (whole frames).
   */
  int tryReceive(float[] a, Pieces pieces, int n, boolean add, boolean bf16)
      throws IOException {
    int got = 0;
    while (got < n && framePublished()) {
      got += takeFrame(a, pieces, n - got, add, bf16);
    }
    return got;
  }

  /** Whether the peer has published the next frame. */
  boolean framePublished() {
    return (long) LONG.getAcquire(map, PUBLISHED) >= frames + 1;
  }

  /**
   * Waits until the peer has published the next frame: spins briefly, yields for up to
   * {@link #YIELD_NANOS}, then sleeps on the doorbell; fails when the peer closes, after the
   * timeout, or on interrupt.
   */
  void awaitFrame() throws IOException {
    long start = System.nanoTime();
    for (int spins = 0; !framePublished(); spins++) {
      if (spins < SPINS) {
        Thread.onSpinWait();
        continue;
      }
      if (System.nanoTime() - start < YIELD_NANOS) {
        Thread.yield();
        continue;
      }
      INT.setVolatile(map, SLEEPING, 1);
      boolean alive = true;
      if ((long) LONG.getVolatile(map, PUBLISHED) < frames + 1) {
        alive = liveness.sleep(SLEEP_MILLIS);
      }
      INT.setVolatile(map, SLEEPING, 0);
      if (framePublished()) {
        return;
      }
      if (!alive || (int) INT.getAcquire(map, CLOSED) != 0) {
        throw new IOException(peer + " closed the connection");
      }
      check(start);
    }
  }

  /** Takes the published next frame into the next at most n values; returns how many. */
  private int takeFrame(float[] a, Pieces pieces, int n, boolean add, boolean bf16)
      throws IOException {
    int m = Math.min(n, PeerChannel.FRAME_FLOATS);
    long k = frames;
    int slot = (int) (k % SLOTS);
    int header = (int) INT.getAcquire(map, HEADERS + 4 * slot);
    if (header != PeerChannel.header(m, bf16)) {
      throw new IOException("a frame from " + peer + " has header " + header + ", expected "
          + PeerChannel.header(m, bf16));
    }
    if (bf16) {
      halves[slot].clear();
      halves[slot].get(halfScratch, 0, m);
      FrameValues.putHalves(halfScratch, m, a, pieces, add);
    } else {
      floats[slot].clear();
      if (add) {
        floats[slot].get(scratch, 0, m);
        FrameValues.addFloats(scratch, m, a, pieces);
      } else {
        for (int f = 0, c; f < m; f += c) {
          c = pieces.take(m - f);
          floats[slot].get(a, pieces.at(), c);
        }
      }
    }
    LONG.setRelease(map, CONSUMED, k + 1);
    frames = k + 1;
    return m;
  }

  /**
   * Throws when the wait has lasted past the timeout, or the thread was interrupted (a closed
   * peer is the callers' to judge: it may have published or released just before closing).
   */
  private void check(long start) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted while waiting for " + peer);
    }
    if (System.nanoTime() - start > timeoutNanos) {
      throw new IOException(peer + " sent nothing within " + timeoutNanos / 1_000_000 + " ms");
    }
  }

  /** Tells the other end this one is gone; the mapping is freed with the buffer. */
  void close() {
    INT.setRelease(map, CLOSED, 1);
  }
}
