package org.sparkprop.driver.collective;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of float traffic between two peers of a collective: the sending peer connects,
 * the receiving peer accepts, and after a handshake floats move in frames of at most
 * {@link #FRAME_FLOATS}. Knows nothing of models.
 *
 * <p>Handshake (big-endian): sender → receiver: int magic "SPRC", int version, long session,
 * int sender rank, int receiver rank, 16-byte nonce; receiver → sender: 16-byte nonce and, with
 * a secret, a 32-byte proof HMAC-SHA256(secret, "receiver" | session | ranks | nonces); the
 * sender checks it and answers with its own proof ("sender" | …); the receiver checks that and
 * answers one byte, {@link #ACCEPTED}. The secret never travels. With encryption the frames
 * are sealed with AES-256-GCM under HMAC-SHA256(secret, "key" | session | ranks | nonces),
 * nonce = frame counter, the frame's float count as associated data.
 *
 * <p>Frame: int header (value count × 2, plus 1 for bfloat16 values), then the values
 * little-endian, 4 or 2 bytes each (sealed: plus the 16-byte GCM tag). The receiver knows how
 * many values of which width it expects and rejects any other header, so no length read from
 * the wire goes unchecked. Not thread-safe; buffers are allocated once.
 */
final class PeerChannel implements AutoCloseable {
  /** Floats per frame: 256 KB of payload. */
  static final int FRAME_FLOATS = 1 << 16;
  private static final int TAG = 16;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final String peer;
  private final Cipher cipher;
  private final SecretKeySpec key;
  private final byte[] plain = new byte[4 * FRAME_FLOATS];
  private final byte[] sealed;
  private final FloatBuffer floats =
      ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  private final float[] scratch = new float[FRAME_FLOATS];
  private final ShortBuffer halves =
      ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
  private final short[] halfScratch = new short[FRAME_FLOATS];
  private final byte[] iv = new byte[12];
  private final byte[] aad = new byte[4];
  private long frames;
  /** The single range of {@link #send(float[], int, int, boolean)} and its receive. */
  private final Pieces one = new Pieces();
  /** Same-host link: the values go through shared memory, the socket only tells liveness. */
  private SharedMemory shm;
  private static final int TCP_ONLY = 1;
  private static final int SHM_OFFER = 2;
  private static final int SHM_MAPPED = 3;

  /** A channel over an authenticated socket (see {@link PeerHandshake}); keyBytes seal it. */
  PeerChannel(Socket socket, DataInputStream in, DataOutputStream out, String peer,
      byte[] keyBytes) throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.peer = peer;
    if (keyBytes == null) {
      this.cipher = null;
      this.key = null;
      this.sealed = null;
    } else {
      try {
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IOException("AES-GCM is not available in this JVM", e);
      }
      this.key = new SecretKeySpec(keyBytes, "AES");
      this.sealed = new byte[4 * FRAME_FLOATS + TAG];
    }
  }

  /** Bytes on the wire per frame beyond its floats: the count, and the GCM tag if sealed. */
  int frameOverhead() {
    return 4 + (cipher == null ? 0 : TAG);
  }

  /** Sends a[off, off+n) in frames, as floats. */
  void send(float[] a, int off, int n) throws IOException {
    send(a, off, n, false);
  }

  /**
   * Sends a[off, off+n) in frames, as floats or, with bf16, as bfloat16 (the float's upper 16
   * bits, rounded to nearest even: half the bytes, 8 significant bits).
   */
  void send(float[] a, int off, int n, boolean bf16) throws IOException {
    send(a, one.of(off, n), bf16);
  }

  /**
   * Sends the values of a that pieces walks as one stream: each frame takes values from as
   * many of its ranges as fit (the receiver walks the same ranges).
   */
  void send(float[] a, Pieces pieces, boolean bf16) throws IOException {
    if (shm != null) {
      shm.send(a, pieces, bf16);
      return;
    }
    int n = pieces.total();
    while (n > 0) {
      int m = Math.min(n, FRAME_FLOATS);
      int bytes;
      if (bf16) {
        FrameValues.takeHalves(a, pieces, m, halfScratch);
        halves.clear();
        halves.put(halfScratch, 0, m);
        bytes = 2 * m;
      } else {
        floats.clear();
        for (int f = 0, k; f < m; f += k) {
          k = pieces.take(m - f);
          floats.put(a, pieces.at(), k);
        }
        bytes = 4 * m;
      }
      int header = header(m, bf16);
      out.writeInt(header);
      if (cipher == null) {
        out.write(plain, 0, bytes);
      } else {
        int len = seal(bytes, header);
        out.write(sealed, 0, len);
      }
      n -= m;
    }
    out.flush();
  }

  /** A frame's header: the value count and whether they are bfloat16. */
  static int header(int m, boolean bf16) {
    return m << 1 | (bf16 ? 1 : 0);
  }

  /** The float's bfloat16 bits, rounded to nearest even (NaN stays NaN). */
  static short toBf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x40);  // a quiet NaN
    }
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The float a bfloat16 stands for (exact). */
  static float fromBf16(short h) {
    return Float.intBitsToFloat(h << 16);
  }

  /** Receives n floats; with add, a[off+i] = received[i] + a[off+i], else overwrites. */
  void receive(float[] a, int off, int n, boolean add) throws IOException {
    receive(a, off, n, add, false);
  }

  /** {@link #receive(float[], int, int, boolean)} of values sent as bfloat16 with bf16. */
  void receive(float[] a, int off, int n, boolean add, boolean bf16) throws IOException {
    receive(a, one.of(off, n), add, bf16);
  }

  /** Receives the values of a that pieces walks, as {@link #send} of the same ranges sent. */
  void receive(float[] a, Pieces pieces, boolean add, boolean bf16) throws IOException {
    if (shm != null) {
      shm.receive(a, pieces, add, bf16);
      return;
    }
    int n = pieces.total();
    while (n > 0) {
      int m = Math.min(n, FRAME_FLOATS);
      int bytes = (bf16 ? 2 : 4) * m;
      int expected = header(m, bf16);
      try {
        int header = in.readInt();
        if (header != expected) {
          throw new IOException("a frame from " + peer + " holds " + (header >>> 1) + " "
              + ((header & 1) == 1 ? "bfloat16" : "float") + " values, expected " + m + " "
              + (bf16 ? "bfloat16" : "float") + " values");
        }
        if (cipher == null) {
          in.readFully(plain, 0, bytes);
        } else {
          in.readFully(sealed, 0, bytes + TAG);
          open(bytes, header);
        }
      } catch (SocketTimeoutException e) {
        throw new IOException(peer + " sent nothing within " + socket.getSoTimeout()
            + " ms", e);
      } catch (EOFException e) {
        throw new IOException(peer + " closed the connection", e);
      }
      if (bf16) {
        halves.clear();
        halves.get(halfScratch, 0, m);
        FrameValues.putHalves(halfScratch, m, a, pieces, add);
      } else {
        floats.clear();
        if (add) {
          floats.get(scratch, 0, m);
          FrameValues.addFloats(scratch, m, a, pieces);
        } else {
          for (int f = 0, k; f < m; f += k) {
            k = pieces.take(m - f);
            floats.get(a, pieces.at(), k);
          }
        }
      }
      n -= m;
    }
  }

  private int seal(int bytes, int header) throws IOException {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
      cipher.updateAAD(count(header));
      return cipher.doFinal(plain, 0, bytes, sealed, 0);
    } catch (GeneralSecurityException e) {
      throw new IOException("sealing a frame for " + peer + " failed", e);
    }
  }

  private void open(int bytes, int header) throws IOException {
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, nextIv());
      cipher.updateAAD(count(header));
      cipher.doFinal(sealed, 0, bytes + TAG, plain, 0);
    } catch (AEADBadTagException e) {
      throw new IOException("a frame from " + peer + " failed authentication (tampered with "
          + "or corrupt)", e);
    } catch (GeneralSecurityException e) {
      throw new IOException("opening a frame from " + peer + " failed", e);
    }
  }

  /** The next frame's nonce: the frame counter, so no nonce repeats under one key. */
  private GCMParameterSpec nextIv() {
    ByteBuffer.wrap(iv).putLong(4, frames++);
    return new GCMParameterSpec(8 * TAG, iv);
  }

  /** The frame's header as associated data: a frame cannot be passed off as another. */
  private byte[] count(int m) {
    ByteBuffer.wrap(aad).putInt(0, m);
    return aad;
  }

  /**
   * The sending end, after the handshake: offers the receiver a shared-memory link when
   * sharedName is not null (both on one host, frames not sealed), else says TCP only. Does not
   * block.
   */
  void offer(String sharedName) throws IOException {
    if (sharedName == null || cipher != null) {
      out.write(TCP_ONLY);
    } else {
      shm = SharedMemory.create(sharedName, peer, doorbell(), socket.getSoTimeout());
      out.write(SHM_OFFER);
      out.writeUTF(sharedName);
    }
    out.flush();
  }

  /** The receiving end: takes the sender's offer (mapping the file) or stays on TCP. */
  void takeOffer() throws IOException {
    int kind;
    try {
      kind = in.read();
    } catch (SocketTimeoutException e) {
      throw new IOException(peer + " sent nothing within " + socket.getSoTimeout() + " ms", e);
    }
    if (kind == SHM_OFFER) {
      String name = in.readUTF();
      shm = SharedMemory.open(name, peer, doorbell(), socket.getSoTimeout());
      out.write(SHM_MAPPED);
      out.flush();
    } else if (kind != TCP_ONLY) {
      throw new IOException(peer + " sent link kind " + kind);
    }
  }

  /** The sending end, after {@link #offer}: waits until the receiver has mapped the link. */
  void awaitTaken(String sharedName) throws IOException {
    if (shm == null) {
      return;
    }
    try {
      if (in.read() != SHM_MAPPED) {
        throw new IOException(peer + " did not map the shared-memory link");
      }
    } catch (IOException e) {
      SharedMemory.delete(sharedName);
      throw e instanceof SocketTimeoutException ? new IOException(peer + " sent nothing "
          + "within " + socket.getSoTimeout() + " ms", e) : e;
    }
  }

  /** Whether this direction goes through shared memory. */
  boolean sharedMemory() {
    return shm != null;
  }

  /** The shared-memory link of this direction, or null. */
  SharedMemory link() {
    return shm;
  }

  /** The socket as the shared-memory link's doorbell and liveness. */
  private SharedMemory.Peer doorbell() {
    return new SharedMemory.Peer() {
      @Override
      public boolean sleep(int waitMillis) throws IOException {
        int timeout = socket.getSoTimeout();
        try {
          socket.setSoTimeout(waitMillis);
          return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
          return true;
        } catch (IOException e) {
          return false;  // reset or closed under us
        } finally {
          if (!socket.isClosed()) {
            socket.setSoTimeout(timeout);
          }
        }
      }

      @Override
      public void ring() {
        try {
          OutputStream raw = socket.getOutputStream();
          raw.write(1);
          raw.flush();
        } catch (IOException e) {
          // The receiver may have taken the frame without sleeping and closed since it set
          // its flag; a receiver that is really gone fails its own next wait.
        }
      }
    };
  }

  @Override
  public void close() {
    if (shm != null) {
      shm.close();
    }
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing left to do
    }
  }

}
