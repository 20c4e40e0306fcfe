package org.sparkprop.driver.data;

import static org.sparkprop.driver.data.TextSources.checked;
import static org.sparkprop.driver.data.TextSources.failed;
import static org.sparkprop.driver.data.TextSources.firstErrorOrMax;
import static org.sparkprop.driver.data.TextSources.lines;
import static org.sparkprop.driver.data.TextSources.starts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.TextSources.LineCheck;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.CsvReader;
import org.sparkprop.trainer.data.DataFormatException;
import org.sparkprop.trainer.data.Targets;
import scala.Tuple2;

/**
 * The course project's CSV pair read by the executors (see {@link TextSources} for how text is
 * split, numbered and checked): the vectors split by lines, each row joined with its label by
 * number, in blocks of at most {@link Block#MAX_VALUES} values.
 */
public final class CoursePairSource {
  /** Slots of a vectors partition's check: lines, the first row's width and line, ... */
  private static final int LINES = 0;
  private static final int WIDTH = 1;
  private static final int LAST_ROW = 2;
  private static final int BLANK = 3;
  private static final int OTHER = 4;
  private static final int OTHER_WIDTH = 5;
  private static final int FIRST_ROW = 6;
  private static final int ERROR = 7;

  /**
   * The course project's pair on the executors: vectors split by lines, and each row joined
   * with its label by number (the i-th non-blank labels line with vectors row i). Only the
   * labels move (a shuffle of one small record per row to the vectors' partitions); neither
   * file is collected. labels null: unlabelled (targets 0).
   */
  public static JavaRDD<Block> coursePair(JavaSparkContext sc, String vectors, String labels,
      Targets targets, int minPartitions) {
    String vName = Fs.redact(vectors);
    // Per partition, every row parsed (slots of c below, partition-local line numbers), and
    // its first malformed line's text.
    List<Object[]> parts = lines(sc, vectors, minPartitions, null).mapPartitions(it -> {
      long[] c = {0, -1, -1, -1, -1, -1, -1, -1};
      CsvReader.FloatList scratch = new CsvReader.FloatList(1 << 10);
      String error = null;
      while (it.hasNext()) {
        Tuple2<String, Long> l = it.next();
        c[LINES]++;
        if (l._1().isBlank()) {
          c[BLANK] = c[BLANK] < 0 ? l._2() : c[BLANK];
          continue;
        }
        c[LAST_ROW] = l._2();
        if (error == null) {
          try {
            int w = CsvReader.parseRow(l._1(), vName, l._2() + 1, scratch);
            if (c[WIDTH] < 0) {
              c[WIDTH] = w;
              c[FIRST_ROW] = l._2();
            } else if (w != c[WIDTH] && c[OTHER] < 0) {
              c[OTHER] = l._2();
              c[OTHER_WIDTH] = w;
            }
          } catch (DataFormatException e) {
            error = l._1();
            c[ERROR] = l._2();
          }
          scratch = new CsvReader.FloatList(1 << 10);
        }
      }
      return List.<Object[]>of(new Object[] {c, error}).iterator();
    }).collect();
    long lastFull = -1;
    long[] starts = new long[parts.size()];
    long lines = 0;
    int firstWidth = -1;
    for (int p = 0; p < parts.size(); p++) {
      long[] c = (long[]) parts.get(p)[0];
      starts[p] = lines;
      lines += c[LINES];
      for (int slot : new int[] {LAST_ROW, BLANK, OTHER, FIRST_ROW, ERROR}) {
        c[slot] = c[slot] < 0 ? -1 : c[slot] + starts[p];
      }
      lastFull = Math.max(lastFull, c[LAST_ROW]);
      if (firstWidth < 0 && c[WIDTH] >= 0) {
        firstWidth = (int) c[WIDTH];
      }
    }
    // The first problem in line order, as the driver's reader meets it.
    for (Object[] part : parts) {
      long[] c = (long[]) part[0];
      long none = Long.MAX_VALUE;
      long blank = c[BLANK] >= 0 && (c[BLANK] < lastFull || c[BLANK] == 0) ? c[BLANK] : none;
      // A partition whose first row has another width than the input's first row fails there.
      boolean firstOff = c[WIDTH] >= 0 && c[WIDTH] != firstWidth;
      long shape = firstOff ? c[FIRST_ROW] : c[OTHER] >= 0 ? c[OTHER] : none;
      long bad = c[ERROR] >= 0 ? c[ERROR] : none;
      long first = Math.min(blank, Math.min(shape, bad));
      if (first == none) {
        continue;
      }
      if (first == bad) {
        try {
          CsvReader.parseRow((String) part[1], vName, bad + 1, new CsvReader.FloatList(1 << 10));
        } catch (DataFormatException e) {
          throw failed(e);
        }
        throw new IllegalStateException("line " + (bad + 1) + " failed its check once only");
      }
      if (first == blank) {
        throw failed(new DataFormatException(vName, "line " + (blank + 1), "empty line"));
      }
      throw failed(new DataFormatException(vName, "line " + (first + 1), "row has "
          + (firstOff ? c[WIDTH] : c[OTHER_WIDTH]) + " values, the first row has "
          + firstWidth));
    }
    if (lastFull < 0) {
      throw failed(new DataFormatException(vName, "", "no rows"));
    }
    long rows = lastFull + 1;  // blank lines before the last row are errors, so row = line
    JavaRDD<List<Tuple2<Long, String>>> byPart;
    String lName = labels == null ? null : Fs.redact(labels);
    if (labels == null) {
      byPart = null;
    } else {
      // Every label, in line order (the vectors were checked first, as the driver's reader
      // checks them); per partition its lines and non-blank lines (its labels).
      int tw0 = targets.perRow();
      LineCheck label = (line, ln) -> {
        try {
          targets.parse(line, new float[tw0], 0);
        } catch (IllegalArgumentException e) {
          throw new DataFormatException(lName, "line " + ln, e.getMessage());
        }
      };
      List<Object[]> lparts = lines(sc, labels, minPartitions, null).mapPartitions(it -> {
        long n = 0;
        long nonBlank = 0;
        while (it.hasNext()) {
          Tuple2<String, Long> l = it.next();
          n++;
          if (l._1().isBlank()) {
            continue;
          }
          nonBlank++;
          try {
            label.parse(l._1(), l._2() + 1);
          } catch (DataFormatException e) {
            return checked(n, nonBlank, l._2(), l._1());
          }
        }
        return checked(n, nonBlank, -1, null);
      }).collect();
      firstErrorOrMax(lparts, label);
      long[] lineStarts = starts(lparts, 0);
      long[] rankStarts = starts(lparts, 1);
      long count = 0;
      for (Object[] c : lparts) {
        count += (Long) c[1];
      }
      JavaRDD<Tuple2<Tuple2<String, Long>, Long>> ranked = lines(sc, labels, minPartitions,
          lineStarts).mapPartitionsWithIndex((p, it) -> {
            List<Tuple2<Tuple2<String, Long>, Long>> out = new ArrayList<>();
            long rank = rankStarts[p];
            while (it.hasNext()) {
              Tuple2<String, Long> l = it.next();
              if (!l._1().isBlank()) {
                out.add(new Tuple2<>(l, rank++));
              }
            }
            return out.iterator();
          }, true);
      if (count != rows) {
        if (count > rows) {
          long line = ranked.filter(r -> r._2() == rows).first()._1()._2() + 1;
          throw failed(new DataFormatException(lName, "line " + line, "more labels than the "
              + rows + " rows of " + vName));
        }
        throw failed(new DataFormatException(lName, "", count + " labels for " + rows
            + " rows of " + vName));
      }
      long[] s = starts;
      byPart = ranked.mapToPair(r -> new Tuple2<>(r._2(), r._1()))
          .partitionBy(new ByRowRange(s)).mapPartitions(it -> {
            List<Tuple2<Long, String>> l = new ArrayList<>();
            while (it.hasNext()) {
              Tuple2<Long, Tuple2<String, Long>> r = it.next();
              // Keep the label's own line number (for messages) and its text.
              l.add(new Tuple2<>(r._1(), r._2()._2() + "\u0000" + r._2()._1()));
            }
            l.sort((a, b) -> Long.compare(a._1(), b._1()));
            return List.of(l).iterator();
          }, true);
    }
    int tw = targets == null ? 1 : targets.perRow();
    long last = lastFull;
    int w0 = firstWidth;
    JavaRDD<Tuple2<String, Long>> v = lines(sc, vectors, minPartitions, starts);
    if (byPart == null) {
      return v.mapPartitions(it -> {
        int[] done = {0};
        return Block.chunks(it, () -> packCourse(it, null, done, vName, lName, targets, tw, last,
            w0));
      }, true);
    }
    return v.zipPartitions(byPart, (it, lab) -> {
      List<Tuple2<Long, String>> l = lab.hasNext() ? lab.next() : List.of();
      int[] done = {0};
      return Block.chunks(it, () -> packCourse(it, l, done, vName, lName, targets, tw, last, w0));
    });
  }

  /**
   * The next rows of the vectors' lines, with their labels (from labels[done[0]], the rows
   * of the partition packed so far, which this advances), as one block of at most
   * {@link Block#MAX_VALUES} values.
   */
  private static Block packCourse(Iterator<Tuple2<String, Long>> lines,
      List<Tuple2<Long, String>> labels, int[] done, String vName, String lName,
      Targets targets, int tw, long lastFull, int firstWidth) {
    CsvReader.FloatList x = new CsvReader.FloatList(1 << 12);
    float[] y = new float[64 * tw];
    int width = -1;
    int rows = 0;
    while (lines.hasNext() && (rows + 1) * (long) firstWidth <= Block.MAX_VALUES) {
      Tuple2<String, Long> l = lines.next();
      long ln = l._2() + 1;
      try {
        if (l._1().isBlank()) {
          if (l._2() < lastFull || l._2() == 0) {
            throw new DataFormatException(vName, "line " + ln, "empty line");
          }
          continue;  // a trailing newline
        }
        int n = CsvReader.parseRow(l._1(), vName, ln, x);
        if (n != firstWidth) {
          throw new DataFormatException(vName, "line " + ln, "row has " + n
              + " values, the first row has " + firstWidth);
        }
        width = n;
        if ((rows + 1) * tw > y.length) {
          y = Arrays.copyOf(y, y.length * 2);
        }
        if (labels != null) {
          String lab = labels.get(done[0] + rows)._2();
          int cut = lab.indexOf('\u0000');
          try {
            targets.parse(lab.substring(cut + 1), y, rows * tw);
          } catch (IllegalArgumentException e) {
            throw new DataFormatException(lName, "line " + (Long.parseLong(lab.substring(0,
                cut)) + 1), e.getMessage());
          }
        }
        rows++;
      } catch (DataFormatException e) {
        throw failed(e);
      }
    }
    done[0] += rows;
    int w = Math.max(width, 1);
    return Block.packed(x.toArray(), Arrays.copyOf(y, rows * tw), rows, w, tw);
  }

  /** Rows go to the partition whose range of row numbers holds them. */
  static final class ByRowRange extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long[] starts;

    ByRowRange(long[] starts) {
      this.starts = starts;
    }

    @Override
    public int numPartitions() {
      return starts.length;
    }

    /** The last partition that starts at or before the row (empty ones share a start). */
    @Override
    public int getPartition(Object key) {
      long row = (Long) key;
      int lo = 0;
      int hi = starts.length - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (starts[mid] <= row) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      return lo;
    }
  }

  private CoursePairSource() {}
}
