package org.sparkprop.driver.collective;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A byte stream sealed with AES-256-GCM, for connections that carry small mixed messages (the
 * driver's connections to the epoch's tasks): the writer buffers up to {@link #FRAME} bytes and
 * seals them as one frame when the buffer fills or on flush; the reader opens frame by frame.
 * Frame: int length L (1 … FRAME, big-endian, also the associated data), then L bytes of
 * ciphertext and the 16-byte tag; the nonce is the frame counter, so a frame cannot be
 * replayed, dropped or reordered without the next one failing. Use one key per direction.
 */
public final class SealedStreams {
  /** Plaintext bytes per frame at most. */
  public static final int FRAME = 1 << 16;
  private static final int TAG = 16;

  private SealedStreams() {}

  /** The writing end. */
  public static final class Out extends OutputStream {
    private final OutputStream out;
    private final Crypt crypt;
    private final byte[] plain = new byte[FRAME];
    private final byte[] sealed = new byte[4 + FRAME + TAG];
    private int used;

    public Out(OutputStream out, byte[] key) throws IOException {
      this.out = out;
      this.crypt = new Crypt(key, Cipher.ENCRYPT_MODE);
    }

    @Override
    public void write(int b) throws IOException {
      if (used == FRAME) {
        seal();
      }
      plain[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == FRAME) {
          seal();
        }
        int m = Math.min(len, FRAME - used);
        System.arraycopy(b, off, plain, used, m);
        used += m;
        off += m;
        len -= m;
      }
    }

    @Override
    public void flush() throws IOException {
      if (used > 0) {
        seal();
      }
      out.flush();
    }

    private void seal() throws IOException {
      ByteBuffer.wrap(sealed).putInt(0, used);
      int len = crypt.run(plain, 0, used, sealed, 4, sealed, 0);
      out.write(sealed, 0, 4 + len);
      used = 0;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** The reading end; names its peer in errors. */
  public static final class In extends InputStream {
    private final DataInputStream in;
    private final Crypt crypt;
    private final String peer;
    private final byte[] plain = new byte[FRAME];
    private final byte[] sealed = new byte[FRAME + TAG];
    private final byte[] aad = new byte[4];
    private int pos;
    private int limit;

    /** Reads from in (buffered, so that {@link #available} can look at a frame's length). */
    public In(InputStream in, byte[] key, String peer) throws IOException {
      this.in = new DataInputStream(in.markSupported() ? in : new BufferedInputStream(in));
      this.crypt = new Crypt(key, Cipher.DECRYPT_MODE);
      this.peer = peer;
    }

    @Override
    public int read() throws IOException {
      if (pos == limit && !next()) {
        return -1;
      }
      return plain[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos == limit && !next()) {
        return -1;
      }
      int m = Math.min(len, limit - pos);
      System.arraycopy(plain, pos, b, off, m);
      pos += m;
      return m;
    }

    /**
     * Bytes readable without blocking: the open frame's rest, else the next frame's once it has
     * arrived whole (it is opened then).
     */
    @Override
    public int available() throws IOException {
      if (pos == limit && in.markSupported() && in.available() >= 4) {
        in.mark(4);
        int len = in.readInt();
        in.reset();
        if (len >= 1 && len <= FRAME && in.available() >= 4 + len + TAG) {
          next();
        }
      }
      return limit - pos;
    }

    /** Opens the next frame; false at the end of the stream between frames. */
    private boolean next() throws IOException {
      int len;
      try {
        len = in.readInt();
      } catch (EOFException e) {
        return false;
      }
      if (len < 1 || len > FRAME) {
        throw new IOException("a sealed frame from " + peer + " claims " + len + " bytes (at "
            + "most " + FRAME + ")");
      }
      in.readFully(sealed, 0, len + TAG);
      ByteBuffer.wrap(aad).putInt(0, len);
      try {
        crypt.run(sealed, 0, len + TAG, plain, 0, aad, 0);
      } catch (IOException e) {
        throw new IOException("a sealed frame from " + peer + " failed authentication "
            + "(tampered with or corrupt)", e);
      }
      pos = 0;
      limit = len;
      return true;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** AES-256-GCM in one direction with the frame counter as nonce. */
  private static final class Crypt {
    private final Cipher cipher;
    private final SecretKeySpec key;
    private final int mode;
    private final byte[] iv = new byte[12];
    private long frames;

    Crypt(byte[] keyBytes, int mode) throws IOException {
      if (keyBytes.length != 32) {
        throw new IllegalArgumentException("an AES-256 key has 32 bytes, got " + keyBytes.length);
      }
      try {
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IOException("AES-GCM is not available in this JVM", e);
      }
      this.key = new SecretKeySpec(keyBytes, "AES");
      this.mode = mode;
    }

    /**
     * Seals or opens src[off, off+len) into dst at dstOff with the 4 bytes at aad[aadOff] as
     * associated data; returns the output length.
     */
    int run(byte[] src, int off, int len, byte[] dst, int dstOff, byte[] aad, int aadOff)
        throws IOException {
      ByteBuffer.wrap(iv).putLong(4, frames++);
      try {
        cipher.init(mode, key, new GCMParameterSpec(8 * TAG, iv));
        cipher.updateAAD(aad, aadOff, 4);
        return cipher.doFinal(src, off, len, dst, dstOff);
      } catch (AEADBadTagException e) {
        throw new IOException("bad tag", e);
      } catch (GeneralSecurityException e) {
        throw new IOException("AES-GCM failed: " + e.getMessage(), e);
      }
    }
  }
}
