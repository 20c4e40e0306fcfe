package org.sparkprop.driver.data;

import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.CsvReader;
import org.sparkprop.trainer.data.DataFormatException;
import org.sparkprop.trainer.data.LibSvmReader;
import org.sparkprop.trainer.data.Targets;
import scala.Tuple2;

/**
 * The text formats read by the executors, split by lines across tasks: LibSVM here, and the
 * course project's CSV pair joined by line number ({@link CoursePairSource}, with the helpers
 * here: line numbering, the checking pass's results). Each text partition becomes blocks of
 * at most {@link Block#MAX_VALUES} values with its rows in file order (as
 * {@link TableSource#blocks} gives a table's), so the shards are
 * built on the executors ({@link TableShards}) and the driver holds a few numbers per
 * partition. Every line is checked as the driver's readers check it ({@link LibSvmReader},
 * {@link CsvReader}: the same parsers), and a malformed one fails the job with a
 * {@link DataFormatException} naming the file, line and field. Line numbers count from the
 * input's first line (a folder's files in name order).
 */
public final class TextSources {
  private TextSources() {}

  /**
   * Lines with their 0-based numbers: partition p's count from starts[p] (its first line's
   * number, from a checking pass over the same partitions), or from 0 when starts is null.
   * textFile splits a given input the same way every time it is read.
   */
  static JavaRDD<Tuple2<String, Long>> lines(JavaSparkContext sc, String uri,
      int minPartitions, long[] starts) {
    return sc.textFile(uri, Math.max(1, minPartitions)).mapPartitionsWithIndex((p, it) -> {
      if (starts != null && p >= starts.length) {
        throw new IllegalStateException(Fs.redact(uri) + " was split into more partitions "
            + "than when it was checked (" + starts.length + "): did it change meanwhile?");
      }
      long first = starts == null ? 0 : starts[p];
      return new Iterator<Tuple2<String, Long>>() {
        private long n = first;

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Tuple2<String, Long> next() {
          return new Tuple2<>(it.next(), n++);
        }
      };
    }, true);
  }

  /** Each partition's first line number, from the partitions' line counts. */
  static long[] starts(List<Object[]> parts, int countSlot) {
    long[] starts = new long[parts.size()];
    long n = 0;
    for (int p = 0; p < starts.length; p++) {
      starts[p] = n;
      n += (Long) parts.get(p)[countSlot];
    }
    return starts;
  }

  /** Fails the task with e, kept as the cause (the command line reports its message). */
  static UncheckedIOException failed(DataFormatException e) {
    return new UncheckedIOException(e.getMessage(), e);
  }

  /** Parses one line (its number ln, 1-based) as the checking pass did, failing as it failed. */
  interface LineCheck extends Serializable {
    void parse(String line, long ln) throws DataFormatException;
  }

  /**
   * A partition's check as it comes back (plain values, for Kryo): its line count, the
   * largest value seen (an index), and its first malformed line's partition-local number and
   * text, or -1 and null.
   */
  static Iterator<Object[]> checked(long lines, long value, long bad, String text) {
    return List.<Object[]>of(new Object[] {lines, value, bad, text}).iterator();
  }

  /**
   * The partitions' first errors in partition order, which is line order: the first one is
   * the input's first malformed line, as a reader going through the file finds it, parsed
   * again here with its number in the whole input to fail with the same message. Else the
   * largest value seen.
   */
  static long firstErrorOrMax(List<Object[]> parts, LineCheck check) {
    long[] starts = starts(parts, 0);
    long max = 0;
    for (int p = 0; p < parts.size(); p++) {
      Object[] c = parts.get(p);
      if (c[3] != null) {
        long ln = starts[p] + (Long) c[2] + 1;
        try {
          check.parse((String) c[3], ln);
        } catch (DataFormatException e) {
          throw failed(e);
        }
        throw new IllegalStateException("line " + ln + " failed its check once only");
      }
      max = Math.max(max, (Long) c[1]);
    }
    return max;
  }

  /**
   * Checks every line of a LibSVM input for features columns (0: any) and returns the largest
   * feature index, the width of its rows when no feature count is given. The first malformed
   * line fails with its file, line and field.
   */
  public static int libsvmCheck(JavaSparkContext sc, String uri, Targets targets, int features,
      int minPartitions) {
    String name = Fs.redact(uri);
    int tw = targets == null ? 1 : targets.perRow();
    List<Object[]> parts = lines(sc, uri, minPartitions, null).mapPartitions(it -> {
      LibSvmReader.LineParser parser = new LibSvmReader.LineParser(name, features, targets);
      float[] y = new float[tw];
      int max = 0;
      long n = 0;
      while (it.hasNext()) {
        Tuple2<String, Long> l = it.next();
        n++;
        try {
          if (parser.parse(l._1(), l._2() + 1, y, 0)) {
            max = Math.max(max, parser.lastIndex());
          }
        } catch (DataFormatException e) {
          return checked(n, max, l._2(), l._1());
        }
      }
      return checked(n, max, -1, null);
    }).collect();
    return (int) firstErrorOrMax(parts, (line, ln) -> new LibSvmReader.LineParser(name,
        features, targets).parse(line, ln, new float[tw], 0));
  }

  /**
   * A LibSVM input, checked by {@link #libsvmCheck} for this width, as blocks of width columns
   * (targets null: unlabelled, targets 0). Its lines were checked, so line numbers here are
   * the partition's own (a line failing now means the input changed after its check).
   */
  public static JavaRDD<Block> libsvm(JavaSparkContext sc, String uri, Targets targets,
      int width, int minPartitions) {
    String name = Fs.redact(uri) + " (changed after its check)";
    int tw = targets == null ? 1 : targets.perRow();
    return lines(sc, uri, minPartitions, null).mapPartitions(it -> {
      LibSvmReader.LineParser parser = new LibSvmReader.LineParser(name, width, targets);
      return Block.chunks(it, () -> libsvmBlock(it, parser, width, tw));
    }, true);
  }

  /** The next rows of LibSVM lines as one block of at most {@link Block#MAX_VALUES}. */
  private static Block libsvmBlock(Iterator<Tuple2<String, Long>> it,
      LibSvmReader.LineParser parser, int width, int tw) {
    Packer pack = new Packer(width, tw);
    while (it.hasNext() && !pack.full()) {
      Tuple2<String, Long> l = it.next();
      try {
        if (parser.parse(l._1(), l._2() + 1, pack.targets(), pack.targetOffset())) {
          float[] x = pack.features();
          int off = pack.featureOffset();
          for (int e = 0; e < parser.entries(); e++) {
            x[off + parser.index(e)] = parser.value(e);
          }
          pack.next();
        }
      } catch (DataFormatException e) {
        throw failed(e);
      }
    }
    return pack.block();
  }

  /** Rows packed into growing arrays of width features and tw targets. */
  private static final class Packer {
    private final int width;
    private final int tw;
    private float[] x;
    private float[] y;
    private int rows;

    Packer(int width, int tw) {
      this.width = width;
      this.tw = tw;
      this.x = new float[64 * width];
      this.y = new float[64 * tw];
    }

    /** The arrays with room for one more row, zeroed there. */
    private void ensure() {
      if ((rows + 1) * (long) width > x.length) {
        x = Arrays.copyOf(x, x.length * 2);
      }
      if ((rows + 1) * tw > y.length) {
        y = Arrays.copyOf(y, y.length * 2);
      }
    }

    float[] targets() {
      ensure();
      return y;
    }

    int targetOffset() {
      return rows * tw;
    }

    float[] features() {
      ensure();
      return x;
    }

    int featureOffset() {
      return rows * width;
    }

    void next() {
      rows++;
    }

    /** Whether one more row would pass {@link Block#MAX_VALUES}. */
    boolean full() {
      return rows > 0 && (rows + 1) * (long) width > Block.MAX_VALUES;
    }

    Block block() {
      return Block.packed(Arrays.copyOf(x, rows * width), Arrays.copyOf(y, rows * tw), rows,
          width, tw);
    }
  }
}
