package org.sparkprop.driver.exchange;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One end of a driver–worker connection of the direct exchange: float arrays move as raw
 * little-endian bytes through one staging buffer (bulk copies, no per-element calls, nothing
 * allocated per message). Not thread-safe.
 */
final class Wire implements AutoCloseable {
  private static final int CHUNK = 1 << 18;
  private final Socket socket;
  final DataInputStream in;
  final DataOutputStream out;
  private final byte[] buf = new byte[CHUNK];
  private final FloatBuffer floats =
      ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  private final float[] scratch = new float[CHUNK / 4];

  Wire(Socket socket, int timeoutMillis) throws IOException {
    this(configure(socket, timeoutMillis), new DataInputStream(new BufferedInputStream(
        socket.getInputStream(), 1 << 16)), new DataOutputStream(new BufferedOutputStream(
        socket.getOutputStream(), 1 << 16)));
  }

  /** A wire over streams of socket (plain or sealed; see {@link DriverLink}). */
  Wire(Socket socket, DataInputStream in, DataOutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  /** No Nagle delay, a read timeout, 1 MB socket buffers; returns s. */
  static Socket configure(Socket s, int timeoutMillis) throws IOException {
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeoutMillis);
    s.setSendBufferSize(1 << 20);
    s.setReceiveBufferSize(1 << 20);
    return s;
  }

  /**
   * A task telling the driver why it fails (a status and a reason line) before its connection
   * closes; if the driver is gone too, nothing: the task's own failure says enough.
   */
  void tellFailure(int status, String reason) {
    try {
      out.writeInt(status);
      out.writeUTF(reason);
      out.flush();
    } catch (IOException e) {
      // the driver is gone
    }
  }

  void writeFloats(float[] a, int off, int len) throws IOException {
    while (len > 0) {
      int m = Math.min(len, CHUNK / 4);
      floats.clear();
      floats.put(a, off, m);
      out.write(buf, 0, 4 * m);
      off += m;
      len -= m;
    }
  }

  void readFloats(float[] a, int off, int len) throws IOException {
    while (len > 0) {
      int m = Math.min(len, CHUNK / 4);
      in.readFully(buf, 0, 4 * m);
      floats.clear();
      floats.get(a, off, m);
      off += m;
      len -= m;
    }
  }

  /** Reads len floats and ADDS w times each to a[off..). */
  void readAdd(float[] a, int off, int len, float w) throws IOException {
    while (len > 0) {
      int m = Math.min(len, CHUNK / 4);
      in.readFully(buf, 0, 4 * m);
      floats.clear();
      // Bulk copy out of the byte view, then a plain loop over arrays (which C2 vectorises).
      floats.get(scratch, 0, m);
      float[] t = scratch;
      if (w == 1f) {
        for (int i = 0; i < m; i++) {
          a[off + i] += t[i];
        }
      } else {
        for (int i = 0; i < m; i++) {
          a[off + i] += w * t[i];
        }
      }
      off += m;
      len -= m;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing left to do
    }
  }
}
