package org.sparkprop.driver.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.DataFormatException;
import org.sparkprop.trainer.data.IdxReader;
import org.sparkprop.trainer.data.Targets;

/**
 * IDX files read by the executors, never by the driver: an images file (N, …) and, when
 * labelled, its labels file (N) or (N, T), from any Hadoop URI. Plain files are read by record
 * ranges, P tasks or more (each reads at most 64 MB of images, one byte per value in memory),
 * each seeking to its first record in both files; the driver reads
 * only the headers (16 bytes) and the files' lengths, which it checks against them. A gzip file
 * cannot be split, so a gzip pair is read by one task (decompressed as it is read) and spread
 * over the shards by the split's shuffle afterwards. Blocks are in row order, as the driver's
 * reader gives the rows; bad headers, truncated files and bad labels have its messages.
 */
public final class IdxSource {
  /** The most image bytes one task of a plain file reads. */
  static final long TASK_BYTES = 64L << 20;

  private IdxSource() {}

  /** A file's header as the driver read it. */
  private record Header(int[] dims, long length) implements java.io.Serializable {
    int bytes() {
      return 4 + 4 * dims.length;
    }

    long values() {
      return IdxReader.count(dims);
    }
  }

  /**
   * The images (and labels, or null; targets null when unlabelled) as blocks in row order,
   * read on the executors.
   */
  public static JavaRDD<Block> read(JavaSparkContext sc, Fs fs, String images, String labels,
      Targets targets, int parts) throws IOException {
    String in = Fs.redact(images);
    String ln = labels == null ? null : Fs.redact(labels);
    fs.checkExists(images);
    if (labels != null) {
      fs.checkExists(labels);
    }
    SerializableConfiguration conf = new SerializableConfiguration(fs.conf());
    if (gzip(fs, images) || labels != null && gzip(fs, labels)) {
      return sc.parallelize(List.of(0), 1).mapPartitions(x -> whole(conf, images, in, labels,
          ln, targets));
    }
    Header hi = header(fs, images, in);
    Header hl = labels == null ? null : header(fs, labels, ln);
    if (hl != null) {
      IdxReader.checkPair(hi.dims(), in, hl.dims(), ln, targets);
    } else if (hi.dims().length < 2) {
      throw new DataFormatException(in, "header", "an images file needs ≥ 2 dimensions");
    }
    int n = hi.dims()[0];
    int features = n == 0 ? 1 : (int) (hi.values() / n);
    int tw = targets == null ? 1 : targets.perRow();
    List<long[]> ranges = new ArrayList<>();
    // At least P tasks, and none reading more than TASK_BYTES of images.
    long byBytes = (hi.values() + TASK_BYTES - 1) / TASK_BYTES;
    int tasks = (int) Math.max(1, Math.min(n, Math.max(parts, byBytes)));
    for (int t = 0; t < tasks; t++) {
      long from = (long) n * t / tasks;
      ranges.add(new long[] {from, (long) n * (t + 1) / tasks});
    }
    return sc.parallelize(ranges, ranges.size()).map(r -> range(conf, images, hi, labels, hl,
        ln, targets, features, tw, r[0], (int) (r[1] - r[0])));
  }

  private static boolean gzip(Fs fs, String uri) throws IOException {
    try (InputStream s = fs.open(uri)) {
      return s.read() == 0x1f && s.read() == 0x8b;
    }
  }

  /** The header, checked, and the file's length against what the header declares. */
  private static Header header(Fs fs, String uri, String name) throws IOException {
    int[] dims;
    try (DataInputStream d = new DataInputStream(fs.open(uri))) {
      dims = IdxReader.header(d, name);
    }
    Path p = Fs.path(uri);
    long length = fs.fileSystem(p).getFileStatus(p).getLen();
    Header h = new Header(dims, length);
    long expected = h.bytes() + h.values();
    if (length < expected) {
      throw new DataFormatException(name, "byte " + length, "truncated: header promises "
          + h.values() + " values, file ends after " + (length - h.bytes()));
    }
    if (length > expected) {
      throw new DataFormatException(name, "byte " + expected, "trailing data after the "
          + h.values() + " values the header declares");
    }
    return h;
  }

  /**
   * A gzip pair (or images alone), read by one task as it is decompressed, in blocks of at
   * most {@link Block#MAX_VALUES} (so a large file is cached or spilled block by block).
   */
  private static Iterator<Block> whole(SerializableConfiguration conf, String images,
      String in, String labels, String ln, Targets targets) throws IOException {
    Fs fs = new Fs(conf.value());
    InputStream is = fs.open(images);
    InputStream ls = labels == null ? null : fs.open(labels);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) t -> close(is, ls));
    }
    IdxReader.Values img = IdxReader.open(is, in);
    IdxReader.Values lab = ls == null ? null : IdxReader.open(ls, ln);
    int n = img.dims()[0];
    int features = n == 0 ? 1 : (int) (IdxReader.count(img.dims()) / n);
    int tw = targets == null ? 1 : targets.perRow();
    if (lab != null) {
      IdxReader.checkPair(img.dims(), in, lab.dims(), ln, targets);
    }
    int chunk = Math.max(1, Block.MAX_VALUES / features);
    return new Iterator<Block>() {
      private int done;
      private boolean any;

      @Override
      public boolean hasNext() {
        return done < n || !any;
      }

      @Override
      public Block next() {
        any = true;
        int rows = Math.min(chunk, n - done);
        try {
          byte[] px = new byte[rows * features];
          img.read(px, px.length);
          float[] y = new float[rows * tw];
          if (lab != null) {
            byte[] lb = new byte[rows * tw];
            lab.read(lb, lb.length);
            for (int i = 0; i < lb.length; i++) {
              y[i] = lb[i] & 0xff;
            }
            IdxReader.checkTargets(y, (long) done * tw, ln, targets);
          }
          done += rows;
          if (done == n) {
            img.checkEnd();
            if (lab != null) {
              lab.checkEnd();
            }
            close(is, ls);
          }
          return Block.rawBytes(px, y, rows, features, tw);
        } catch (IOException e) {
          throw new UncheckedIOException(e.getMessage(), e);
        }
      }
    };
  }

  private static void close(InputStream a, InputStream b) {
    try {
      a.close();
      if (b != null) {
        b.close();
      }
    } catch (IOException e) {
      // Reading is over; a failed close loses nothing.
    }
  }

  /** Rows [from, from + rows) of a plain pair. */
  private static Block range(SerializableConfiguration conf, String images, Header hi,
      String labels, Header hl, String ln, Targets targets, int features, int tw, long from,
      int rows) throws IOException {
    Fs fs = new Fs(conf.value());
    byte[] px = bytes(fs, images, hi.bytes() + from * features, rows * features);
    float[] y = new float[rows * tw];
    if (labels != null) {
      byte[] lb = bytes(fs, labels, hl.bytes() + from * tw, rows * tw);
      for (int i = 0; i < lb.length; i++) {
        y[i] = lb[i] & 0xff;
      }
      IdxReader.checkTargets(y, from * tw, ln, targets);
    }
    return Block.rawBytes(px, y, rows, features, tw);
  }

  private static byte[] bytes(Fs fs, String uri, long offset, int length) throws IOException {
    Path p = Fs.path(uri);
    FileSystem f = fs.fileSystem(p);
    byte[] b = new byte[length];
    try (FSDataInputStream s = f.open(p)) {
      s.readFully(offset, b);
    } catch (IOException e) {
      throw new UncheckedIOException(Fs.redact(uri) + ": reading bytes " + offset + "–"
          + (offset + length), e);
    }
    return b;
  }
}
