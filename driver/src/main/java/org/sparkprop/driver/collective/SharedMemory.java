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

/**
 * One direction of a ring link between two peers on the same host, through a memory-mapped
 * file in /dev/shm instead of the loopback: the sender copies a frame of values into one of
 * two slots and publishes it, the receiver adds it straight out of the slot and releases it.
 * No system call and no kernel copy per frame; the TCP connection the peers authenticated on
 * stays open and tells when the peer is gone. Values, frame headers and the bytes counted are
 * those of {@link PeerChannel}, so the ring's sums and byte counts are the same bits either way.
 *
 * <p>Layout: long published (frames the sender has published), long consumed (frames the
 * receiver has released), int closed (either end), two int slot headers, then two slots of
 * {@link PeerChannel#FRAME_FLOATS} floats. Frame k uses slot k mod 2 once frame k − 2 is
 * released. A waiting end spins briefly, then yields; it gives up after the timeout, when the
 * peer closes or when its thread is interrupted (Spark killing the task).
 */
final class SharedMemory {
  private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class,
      ByteOrder.nativeOrder());
  private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class,
      ByteOrder.nativeOrder());
  private static final int PUBLISHED = 0;
  private static final int CONSUMED = 64;
  private static final int CLOSED = 128;
  private static final int HEADERS = 192;
  private static final int DATA = 256;
  private static final int SLOT_BYTES = 4 * PeerChannel.FRAME_FLOATS;
  static final int SIZE = DATA + 2 * SLOT_BYTES;
  private static final Path DIR = Paths.get("/dev/shm");
  private static final int SPINS = 2_000;

  /** Liveness of the peer while waiting. */
  interface Peer {
    /** False once the peer has closed its end of the connection. */
    boolean alive() throws IOException;
  }

  private final MappedByteBuffer map;
  private final FloatBuffer[] floats = new FloatBuffer[2];
  private final ShortBuffer[] halves = new ShortBuffer[2];
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
    for (int s = 0; s < 2; s++) {
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
    if (!name.matches("sparkprop-[0-9a-f]+-\\d+-\\d+")) {
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

  /** Sends a[off, off+n) as frames of floats or bfloat16 (see {@link PeerChannel}). */
  void send(float[] a, int off, int n, boolean bf16) throws IOException {
    while (n > 0) {
      int m = Math.min(n, PeerChannel.FRAME_FLOATS);
      long k = frames;
      int slot = (int) (k & 1);
      long start = System.nanoTime();
      for (int spins = 0; (long) LONG.getAcquire(map, CONSUMED) < k - 1; spins++) {
        if (await(spins, start) && (long) LONG.getAcquire(map, CONSUMED) < k - 1) {
          throw new IOException(peer + " closed the connection");
        }
      }
      if (bf16) {
        for (int i = 0; i < m; i++) {
          halfScratch[i] = PeerChannel.toBf16(a[off + i]);
        }
        halves[slot].clear();
        halves[slot].put(halfScratch, 0, m);
      } else {
        floats[slot].clear();
        floats[slot].put(a, off, m);
      }
      INT.setRelease(map, HEADERS + 4 * slot, PeerChannel.header(m, bf16));
      LONG.setRelease(map, PUBLISHED, k + 1);
      frames = k + 1;
      off += m;
      n -= m;
    }
  }

  /** Receives n values; with add, a[off+i] = received[i] + a[off+i], else overwrites. */
  void receive(float[] a, int off, int n, boolean add, boolean bf16) throws IOException {
    while (n > 0) {
      int m = Math.min(n, PeerChannel.FRAME_FLOATS);
      long k = frames;
      int slot = (int) (k & 1);
      long start = System.nanoTime();
      for (int spins = 0; (long) LONG.getAcquire(map, PUBLISHED) < k + 1; spins++) {
        if (await(spins, start) && (long) LONG.getAcquire(map, PUBLISHED) < k + 1) {
          throw new IOException(peer + " closed the connection");
        }
      }
      int header = (int) INT.getAcquire(map, HEADERS + 4 * slot);
      if (header != PeerChannel.header(m, bf16)) {
        throw new IOException("a frame from " + peer + " has header " + header + ", expected "
            + PeerChannel.header(m, bf16));
      }
      if (bf16) {
        halves[slot].clear();
        halves[slot].get(halfScratch, 0, m);
        for (int i = 0; i < m; i++) {
          float v = PeerChannel.fromBf16(halfScratch[i]);
          a[off + i] = add ? v + a[off + i] : v;
        }
      } else {
        floats[slot].clear();
        if (add) {
          floats[slot].get(scratch, 0, m);
          for (int i = 0; i < m; i++) {
            a[off + i] = scratch[i] + a[off + i];
          }
        } else {
          floats[slot].get(a, off, m);
        }
      }
      LONG.setRelease(map, CONSUMED, k + 1);
      frames = k + 1;
      off += m;
      n -= m;
    }
  }

  /**
   * One turn of waiting: spin, then yield; now and then check the time, the interrupt and the
   * peer. Returns whether the peer is gone (the caller checks its condition once more: the
   * peer may have published and closed since).
   */
  private boolean await(int spins, long start) throws IOException {
    if (spins < SPINS) {
      Thread.onSpinWait();
      return false;
    }
    Thread.yield();
    if ((spins & 255) != 0) {
      return false;
    }
    if ((int) INT.getAcquire(map, CLOSED) != 0) {
      return true;
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted while waiting for " + peer);
    }
    long waited = System.nanoTime() - start;
    if (waited > timeoutNanos) {
      throw new IOException(peer + " sent nothing within " + timeoutNanos / 1_000_000 + " ms");
    }
    return (spins & 8191) == 0 && !liveness.alive();
  }

  /** Tells the other end this one is gone; the mapping is freed with the buffer. */
  void close() {
    INT.setRelease(map, CLOSED, 1);
  }
}
