package org.sparkprop.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of the MNIST family (LeCun's page): a magic number 0x0000TTDD (TT the
 * element type, DD the number of dimensions), DD big-endian int dimensions, then the data.
 * Only unsigned bytes (0x08) are accepted, as in every MNIST-family file. Gzip is detected by
 * its own magic, so plain and .gz files are both read.
 */
public final class IdxReader {
  private IdxReader() {}

  /** An IDX tensor of unsigned bytes: dims and values as floats (0..255), row-major. */
  public record Tensor(int[] dims, float[] values) {}

  /**
   * The dimensions from an IDX header at the start of d (the magic and one int per
   * dimension: 4 + 4 · dims bytes), checked: unsigned bytes, 1 to 4 dimensions, none negative,
   * fewer than 2³¹ values.
   */
  public static int[] header(DataInputStream d, String name) throws IOException {
    int magic;
    try {
      magic = d.readInt();
    } catch (EOFException e) {
      throw new DataFormatException(name, "byte 0", "file is empty or shorter than the IDX header");
    }
    if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != 0x08) {
      throw new DataFormatException(name, "byte 0", String.format(
          "bad IDX magic 0x%08X (expected 0x00000801 labels or 0x00000803 images)", magic));
    }
    int nd = magic & 0xff;
    if (nd < 1 || nd > 4) {
      throw new DataFormatException(name, "byte 3", "IDX dimension count " + nd + " not in 1..4");
    }
    int[] dims = new int[nd];
    for (int i = 0; i < nd; i++) {
      try {
        dims[i] = d.readInt();
      } catch (EOFException e) {
        throw new DataFormatException(name, "byte " + (4 + 4 * i), "truncated IDX header");
      }
      if (dims[i] < 0) {
        throw new DataFormatException(name, "byte " + (4 + 4 * i), "negative dimension " + dims[i]);
      }
    }
    if (count(dims) > Integer.MAX_VALUE - 8) {
      throw new DataFormatException(name, "header", "tensor of " + count(dims)
          + " values is too large");
    }
    return dims;
  }

  /** The values a tensor of these dimensions holds. */
  public static long count(int[] dims) {
    long count = 1;
    for (int x : dims) {
      count *= x;
    }
    return count;
  }

  /**
   * Checks that an images file of dimensions img and a labels file of dimensions lab fit
   * together for targets: images of ≥ 2 dimensions, labels of (N) or (N, T), the same N.
   */
  public static void checkPair(int[] img, String imagesName, int[] lab, String labelsName,
      Targets targets) throws DataFormatException {
    if (img.length < 2) {
      throw new DataFormatException(imagesName, "header", "an images file needs ≥ 2 dimensions");
    }
    int tw = targets.perRow();
    boolean shapeOk = tw == 1 ? lab.length == 1 || (lab.length == 2 && lab[1] == 1)
        : lab.length == 2 && lab[1] == tw;
    if (!shapeOk) {
      throw new DataFormatException(labelsName, "header", tw == 1
          ? "a labels file has 1 dimension, not " + lab.length
          : "the targets need dimensions (N, " + tw + "), the file has "
              + Arrays.toString(lab));
    }
    if (lab[0] != img[0]) {
      throw new DataFormatException(labelsName, "header", lab[0] + " labels for " + img[0]
          + " images in " + imagesName);
    }
  }

  /**
   * Checks targets y, whose first value is element first of the labels file, naming the
   * label (row), value and element of the first bad one.
   */
  public static void checkTargets(float[] y, long first, String labelsName, Targets targets)
      throws DataFormatException {
    int tw = targets.perRow();
    for (int i = 0; i < y.length; i++) {
      long e = first + i;
      String p = targets.problem(y[i], (int) (e % tw));
      if (p != null) {
        throw new DataFormatException(labelsName, "label " + (e / tw) + (tw == 1 ? ""
            : ", value " + (e % tw + 1)) + " (element " + e + ")", p);
      }
    }
  }

  public static Tensor read(InputStream raw, String name) throws IOException {
    Bytes b = readBytes(raw, name);
    float[] v = new float[b.values().length];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.values()[i] & 0xff;
    }
    return new Tensor(b.dims(), v);
  }

  /** An IDX tensor's dimensions and its unsigned byte values, as stored. */
  public record Bytes(int[] dims, byte[] values) {}

  /** Reads a whole IDX file (plain or gzip), checked, keeping the values as bytes. */
  public static Bytes readBytes(InputStream raw, String name) throws IOException {
    Values v = open(raw, name);
    long count = count(v.dims());
    byte[] bytes = new byte[(int) count];
    v.read(bytes, bytes.length);
    v.checkEnd();
    return new Bytes(v.dims(), bytes);
  }

  /**
   * An IDX file (plain or gzip, detected) opened for reading its values in pieces: the header
   * is read and checked here. The caller closes raw.
   */
  public static Values open(InputStream raw, String name) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    InputStream src = (b0 == 0x1f && b1 == 0x8b)
        ? new BufferedInputStream(new Gunzip(in, name), 1 << 16) : in;
    DataInputStream d = new DataInputStream(src);
    return new Values(d, name, header(d, name));
  }

  /** An IDX file's values, read in order by pieces, with the whole reader's messages. */
  public static final class Values {
    private final DataInputStream d;
    private final String name;
    private final int[] dims;
    private final long count;
    private long got;

    private Values(DataInputStream d, String name, int[] dims) {
      this.d = d;
      this.name = name;
      this.dims = dims;
      this.count = count(dims);
    }

    public int[] dims() {
      return dims;
    }

    /** The next n values into b[0, n); fails naming the file and place if it ends first. */
    public void read(byte[] b, int n) throws IOException {
      int at = 0;
      while (at < n) {
        int r = d.read(b, at, n - at);
        if (r < 0) {
          throw new DataFormatException(name, "byte " + (4 + 4 * dims.length + got + at),
              "truncated: header promises " + count + " values, file ends after "
                  + (got + at));
        }
        at += r;
      }
      got += n;
    }

    /** Fails if data follows the values the header declares (call after reading them all). */
    public void checkEnd() throws IOException {
      if (d.read() >= 0) {
        throw new DataFormatException(name, "byte " + (4 + 4 * dims.length + count),
            "trailing data after the " + count + " values the header declares");
      }
    }
  }

  /**
   * Reads an images file (N, rows, cols) and a labels file (N) into a dataset of class
   * indices, checking that counts agree and labels lie in [0, classes).
   */
  public static Dataset readPair(InputStream images, String imagesName, InputStream labels,
      String labelsName, int classes) throws IOException {
    return readPair(images, imagesName, labels, labelsName, Targets.classes(classes));
  }

  /**
   * Images and their targets: a labels tensor of N classes, or of N × T values (dimensions
   * (N, T); T = 1 may also be 1-dimensional) for regression or multi-label targets.
   */
  public static Dataset readPair(InputStream images, String imagesName, InputStream labels,
      String labelsName, Targets targets) throws IOException {
    Tensor img = read(images, imagesName);
    Tensor lab = read(labels, labelsName);
    checkPair(img.dims(), imagesName, lab.dims(), labelsName, targets);
    int tw = targets.perRow();
    int n = img.dims()[0];
    int features = n == 0 ? 1 : img.values().length / n;
    float[] y = lab.values();
    checkTargets(y, 0, labelsName, targets);
    return new Dataset(img.values(), y, n, features, tw);
  }

  /**
   * gzip decompression that names the file and the place when the compressed data ends early
   * or is corrupt ("Unexpected end of ZLIB input stream" says neither): the compressed bytes
   * read so far (the inflater reads ahead, so the damage is at or before that offset) and the
   * IDX bytes decompressed before it.
   */
  private static final class Gunzip extends InputStream {
    private final Counting compressed;
    private final GZIPInputStream gzip;
    private final String name;
    private long out;

    Gunzip(InputStream in, String name) throws IOException {
      this.compressed = new Counting(in);
      this.name = name;
      try {
        this.gzip = new GZIPInputStream(compressed, 1 << 16);
      } catch (IOException e) {
        throw damaged(e);
      }
    }

    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int r = gzip.read(b, off, len);
        if (r > 0) {
          out += r;
        }
        return r;
      } catch (EOFException | ZipException e) {
        throw damaged(e);
      }
    }

    private DataFormatException damaged(IOException e) {
      String why = e instanceof EOFException ? "the gzip data ends early (a truncated file?)"
          : "corrupt gzip data (" + e.getMessage() + ")";
      return new DataFormatException(name, "compressed byte " + compressed.count, why
          + " after " + out + " bytes of IDX data");
    }

    @Override
    public void close() throws IOException {
      gzip.close();
    }
  }

  /** Counts the bytes read through it. */
  private static final class Counting extends FilterInputStream {
    private long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int r = super.read();
      if (r >= 0) {
        count++;
      }
      return r;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int r = super.read(b, off, len);
      if (r > 0) {
        count += r;
      }
      return r;
    }
  }
}
