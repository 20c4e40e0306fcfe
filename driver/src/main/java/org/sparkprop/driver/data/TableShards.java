package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.sparkprop.driver.spark.InOrder;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
import scala.Tuple2;

/**
 * Training shards built on the executors from a table's input blocks, for data larger than the
 * driver's memory: the driver only ever holds a few numbers per input partition.
 *
 * <p>Row g (its number in input order) goes to position π(g) of a seeded permutation of all N
 * rows ({@link RowPermutation}, evaluated where the row is). Positions below
 * round(fraction·N) form the validation set; the others are cut into P contiguous ranges, so
 * the P training shards differ in size by at most one row (each epoch uses the smallest shard's
 * size, as with data read on the driver). Rows move to their shard through one Spark shuffle
 * for the training shards and one for the validation shards, of packed pieces (one per input
 * block and shard, not one record per row); a shard holds its rows in permuted order, each
 * piece's rows placed at their positions as the piece arrives (no sort, no second copy), so
 * the result depends only on the seed, the data and P.
 * Shards are cached (memory, spilling to disk); a lost one is rebuilt from the input.
 */
public final class TableShards {
  private TableShards() {}

  /**
   * What the driver learns about the input blocks: each input partition's first row (its
   * blocks hold consecutive rows), the rows in all and the features per row.
   */
  public record Layout(long[] offsets, long rows, int features) implements Serializable {}

  /** Shards and what the trainer needs to know about them. */
  public record Split(JavaRDD<Block> train, long trainRows, JavaRDD<Block> validation,
      long validationRows, int features) {}

  /**
   * Rows and features of every input partition (one small job: its blocks' rows, its width,
   * and a second width where its blocks differ); fails on mixed widths.
   */
  public static Layout layout(JavaRDD<Block> blocks, String name) {
    List<long[]> sizes = blocks.mapPartitions(it -> {
      long[] s = {0, -1, -1};
      while (it.hasNext()) {
        Block b = it.next();
        if (b.rows() == 0) {
          continue;
        }
        s[0] += b.rows();
        if (s[1] < 0) {
          s[1] = b.features();
        } else if (b.features() != s[1] && s[2] < 0) {
          s[2] = b.features();
        }
      }
      return List.of(s).iterator();
    }).collect();
    long[] offsets = new long[sizes.size()];
    long rows = 0;
    int features = -1;
    for (int k = 0; k < sizes.size(); k++) {
      offsets[k] = rows;
      long[] s = sizes.get(k);
      if (s[0] == 0) {
        continue;
      }
      for (long f : new long[] {s[1], s[2]}) {
        if (f >= 0 && features >= 0 && f != features) {
          throw new IllegalArgumentException(name + ": input partition " + k + " has " + f
              + " features per row, earlier ones " + features);
        }
      }
      features = (int) s[1];
      rows += s[0];
    }
    if (rows == 0) {
      throw new IllegalArgumentException(name + ": no rows");
    }
    return new Layout(offsets, rows, features);
  }

  /**
   * Splits blocks (input order, laid out as layout says) into P training shards and P
   * validation shards (round(valFraction·N) rows; none when that is 0), both persisted.
   */
  public static Split split(JavaRDD<Block> blocks, Layout layout, double valFraction,
      int partitions, long seed, String name) {
    return split(blocks, layout, valFraction, partitions, seed, name, Caching.MEMORY);
  }

  /** As above, the shards kept as cache says. */
  public static Split split(JavaRDD<Block> blocks, Layout layout, double valFraction,
      int partitions, long seed, String name, Caching cache) {
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in [0, 1), got "
          + valFraction);
    }
    long n = layout.rows();
    long nVal = Math.round(valFraction * n);
    long nTrain = n - nVal;
    if (partitions > nTrain) {
      throw new IllegalArgumentException("--partitions " + partitions + " exceeds the "
          + nTrain + " training rows");
    }
    RowPermutation perm = new RowPermutation(n, seed);
    long[] offsets = layout.offsets();
    int p = partitions;
    // Shard t of P holds positions [start(t), start(t + 1)): training shards after the
    // validation set's nVal positions, each shuffle cutting only its own pieces.
    JavaRDD<Block> train = shards(blocks, offsets, perm, nVal, nTrain, p, false, layout,
        name + " train", cache);
    JavaRDD<Block> val = nVal == 0 ? null : shards(blocks, offsets, perm, nVal, nTrain, p,
        true, layout, name + " validation", cache);
    train.count();
    if (val != null) {
      val.count();
    }
    return new Split(train, nTrain, val, nVal, layout.features());
  }

  /** The first position of shard t of p over n positions from base: base + ceil(t·n/p). */
  static long start(long base, long n, int p, int t) {
    return base + (t * n + p - 1) / p;
  }

  /**
   * The P training (or validation) shards: up to P pieces per input block (its rows numbered
   * on from its partition's first), one shuffle, then each shard's pieces placed as they
   * arrive.
   */
  private static JavaRDD<Block> shards(JavaRDD<Block> blocks, long[] offsets,
      RowPermutation perm, long nVal, long nTrain, int p, boolean validation, Layout layout,
      String name, Caching cache) {
    int f = layout.features();
    long base = validation ? 0 : nVal;
    long n = validation ? nVal : nTrain;
    JavaRDD<Block> rdd = blocks.mapPartitionsWithIndex((k, it) -> {
      List<Tuple2<Integer, ShardPiece>> out = new ArrayList<>();
      long first = offsets[k];
      while (it.hasNext()) {
        Block b = it.next();
        pieces(b, first, perm, nVal, nTrain, p, validation, out);
        first += b.rows();
      }
      return out.iterator();
    }, true).mapToPair(t -> t).partitionBy(new HashPartitioner(p))
        .mapPartitionsWithIndex((t, it) -> List.of(ShardPiece.concat(it, f,
            start(base, n, p, t), (int) (start(base, n, p, t + 1) - start(base, n, p, t))))
            .iterator(), true)
        .setName(name);
    if (cache.level() != null) {
      rdd.persist(cache.level());
    }
    return rdd;
  }

  /**
   * Block b's rows (numbered from first) bound for the training shards (or the validation
   * shards), cut into pieces by shard (keys 0..P-1), added to out.
   */
  private static void pieces(Block b, long first, RowPermutation perm, long nVal, long nTrain,
      int p, boolean validation, List<Tuple2<Integer, ShardPiece>> out) {
    int rows = b.rows();
    long[] pos = new long[rows];
    int[] target = new int[rows];
    int[] count = new int[p];
    for (int i = 0; i < rows; i++) {
      long r = perm.apply(first + i);
      pos[i] = r;
      boolean inVal = r < nVal;
      target[i] = inVal != validation ? -1
          : inVal ? (int) (r * p / nVal) : (int) ((r - nVal) * p / nTrain);
      if (target[i] >= 0) {
        count[target[i]]++;
      }
    }
    for (int t = 0; t < p; t++) {
      if (count[t] == 0) {
        continue;
      }
      ShardPiece piece = new ShardPiece(count[t], b.features(), b.targetWidth(),
          b.rawBytes() != null);
      for (int i = 0; i < rows; i++) {
        if (target[i] == t) {
          piece.add(pos[i], b, i);
        }
      }
      out.add(new Tuple2<>(t, piece));
    }
  }

  /**
   * Fits the scaling on the training shards (two passes for standardisation, as on one
   * machine).
   */
  public static Normalizer fitScaling(Scaling kind, JavaRDD<Block> train, long rows,
      int features) {
    if (kind != Scaling.STANDARDIZE) {
      return Normalizer.fit(kind, new float[0], 0, features);
    }
    double[] sum = InOrder.fold(train.map(b -> {
      double[] s = new double[b.features()];
      float[] x = new float[s.length];
      for (int r = 0; r < b.rows(); r++) {
        b.copyRows(r, 1, x, 0);
        for (int j = 0; j < s.length; j++) {
          s[j] += x[j];
        }
      }
      return s;
    }), new double[features], TableShards::add);
    for (int j = 0; j < features; j++) {
      sum[j] /= Math.max(1, rows);
    }
    double[] mean = sum;
    double[] sq = InOrder.fold(train.map(b -> {
      double[] s = new double[b.features()];
      float[] x = new float[s.length];
      for (int r = 0; r < b.rows(); r++) {
        b.copyRows(r, 1, x, 0);
        for (int j = 0; j < s.length; j++) {
          double d = x[j] - mean[j];
          s[j] += d * d;
        }
      }
      return s;
    }), new double[features], TableShards::add);
    return Normalizer.standardize(mean, sq, rows);
  }

  /**
   * Each block scaled (a copy; compact where its features are bytes, see
   * {@link Block#scaled}), cached; the unscaled input is released.
   */
  public static JavaRDD<Block> scaled(JavaRDD<Block> blocks, Normalizer norm, String name) {
    return scaled(blocks, norm, name, Caching.MEMORY);
  }

  /** As above, kept as cache says (not at all: scaled again whenever used). */
  public static JavaRDD<Block> scaled(JavaRDD<Block> blocks, Normalizer norm, String name,
      Caching cache) {
    return scaled(blocks, norm, name, cache, Storage.AUTO);
  }

  /** As above, the features held as storage says. */
  public static JavaRDD<Block> scaled(JavaRDD<Block> blocks, Normalizer norm, String name,
      Caching cache, Storage storage) {
    // The trainer's Normalizer is not Serializable (the model file is its format): ship arrays.
    String kind = norm.kind();
    float[] shift = norm.shift();
    float[] scale = norm.scale();
    JavaRDD<Block> out = blocks.map(b -> Block.scaled(b, new Normalizer(kind, shift, scale),
        storage)).setName(name);
    if (cache.level() == null) {
      return out;
    }
    out.persist(cache.level());
    out.count();
    blocks.unpersist(false);
    return out;
  }

  private static double[] add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /**
   * Rows of one input partition bound for one shard, with their permuted positions; byte
   * features stay bytes (a quarter of the shuffle).
   */
  public static final class ShardPiece implements Serializable {
    private static final long serialVersionUID = 2L;
    private long[] keys;
    private float[] x;
    private byte[] bx;
    private float[] y;
    private int rows;
    private int features;
    private int targetWidth;

    ShardPiece(int capacity, int features, int targetWidth, boolean bytes) {
      this.keys = new long[capacity];
      if (bytes) {
        this.bx = new byte[capacity * features];
      } else {
        this.x = new float[capacity * features];
      }
      this.y = new float[capacity * targetWidth];
      this.features = features;
      this.targetWidth = targetWidth;
    }

    void add(long key, Block b, int row) {
      keys[rows] = key;
      if (bx != null) {
        System.arraycopy(b.rawBytes(), row * features, bx, rows * features, features);
      } else {
        System.arraycopy(b.x(), row * features, x, rows * features, features);
      }
      System.arraycopy(b.y(), row * targetWidth, y, rows * targetWidth, targetWidth);
      rows++;
    }

    /** Row r's features into dst from off (bytes widened: the same floats). */
    private void copyRow(int r, float[] dst, int off) {
      if (bx == null) {
        System.arraycopy(x, r * features, dst, off, features);
        return;
      }
      for (int j = 0; j < features; j++) {
        dst[off + j] = bx[r * features + j] & 0xFF;
      }
    }

    /**
     * One shard's pieces as one block of its rows rows, positions first … first + rows − 1 in
     * order: each piece's rows are placed as the piece arrives (memory for the shard and one
     * piece). Bytes while every piece so far was bytes, else floats (the bytes widened).
     */
    static Block concat(Iterator<Tuple2<Integer, ShardPiece>> it, int features, long first,
        int rows) {
      byte[] bx = new byte[rows * features];
      float[] x = null;
      float[] y = null;
      int tw = 1;
      int placed = 0;
      while (it.hasNext()) {
        ShardPiece s = it.next()._2();
        if (y == null) {
          tw = s.targetWidth;
          y = new float[rows * tw];
        }
        if (s.bx == null && x == null) {
          x = new float[rows * features];
          for (int i = 0; i < bx.length; i++) {
            x[i] = bx[i] & 0xFF;
          }
          bx = null;
        }
        for (int i = 0; i < s.rows; i++) {
          long at = s.keys[i] - first;
          if (at < 0 || at >= rows) {
            throw new IllegalStateException("position " + s.keys[i] + " outside its shard ["
                + first + ", " + (first + rows) + ")");
          }
          int o = (int) at;
          if (x == null) {
            System.arraycopy(s.bx, i * features, bx, o * features, features);
          } else {
            s.copyRow(i, x, o * features);
          }
          System.arraycopy(s.y, i * tw, y, o * tw, tw);
        }
        placed += s.rows;
      }
      if (placed != rows) {
        throw new IllegalStateException(placed + " rows reached a shard of " + rows);
      }
      if (y == null) {
        y = new float[0];
      }
      return x == null && rows > 0 ? Block.rawBytes(bx, y, rows, features, tw)
          : new Block(x == null ? new float[0] : x, y, rows, features, tw);
    }
  }
}
