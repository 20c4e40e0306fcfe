package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.rng.Rng;
import org.sparkprop.trainer.rng.Seeds;

/**
 * Spreads a dataset over P partitions, one {@link Block} each, cached in memory.
 *
 * <p>Training shards: the rows are permuted once from the seed (stream DATA), so a file sorted
 * by class still gives every partition a mix, then cut into P contiguous parts whose sizes
 * differ by at most one. Every epoch each partition uses the same number of rows (the smallest
 * shard): the at most one surplus row of a larger shard is dropped for that epoch, and which
 * row that is changes with the epoch's shuffle, so no row is dropped for good.
 *
 * <p>Evaluation and prediction shards keep the input order (partition i holds the i-th
 * contiguous range), so predictions come back in input order.
 */
public final class Shards {
  private Shards() {}

  /** Shuffled, near-equal training shards of d (already scaled). */
  public static JavaRDD<Block> forTraining(JavaSparkContext sc, Dataset d, int partitions,
      long seed, String name) {
    return forTraining(sc, d, partitions, seed, name, null);
  }

  /**
   * Shuffled, near-equal training shards of d scaled by norm ({@link Block#scaled}: compact
   * where the features are bytes); norm null: d is already scaled.
   */
  public static JavaRDD<Block> forTraining(JavaSparkContext sc, Dataset d, int partitions,
      long seed, String name, Normalizer norm) {
    int[] idx = new int[d.rows()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    new Rng(Seeds.derive(seed, Seeds.Purpose.DATA, 0, 0)).shuffle(idx, idx.length);
    List<Block> blocks = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      int from = (int) ((long) d.rows() * p / partitions);
      int to = (int) ((long) d.rows() * (p + 1) / partitions);
      blocks.add(shard(d.select(idx, from, to), norm));
    }
    return cache(sc, blocks, name);
  }

  private static Block shard(Dataset d, Normalizer norm) {
    return norm == null ? Block.of(d) : Block.scaled(Block.of(d), norm);
  }

  /** Shards in input order (d already scaled). */
  public static JavaRDD<Block> inOrder(JavaSparkContext sc, Dataset d, int partitions,
      String name) {
    return inOrder(sc, d, partitions, name, null);
  }

  /** Shards in input order of d scaled by norm (null: already scaled). */
  public static JavaRDD<Block> inOrder(JavaSparkContext sc, Dataset d, int partitions,
      String name, Normalizer norm) {
    int parts = Math.max(1, Math.min(partitions, d.rows()));
    List<Block> blocks = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) d.rows() * p / parts);
      int to = (int) ((long) d.rows() * (p + 1) / parts);
      blocks.add(shard(d.range(from, to), norm));
    }
    return cache(sc, blocks, name);
  }

  /**
   * Ships each block once as its own broadcast and caches an RDD that reads block i in
   * partition i. Not {@code parallelize(blocks)}: its partitions carry the data, so every task
   * of every epoch would serialise the whole shard again; here a task carries a broadcast
   * handle, and a lost executor's partitions are rebuilt from the broadcast.
   */
  private static JavaRDD<Block> cache(JavaSparkContext sc, List<Block> blocks, String name) {
    List<Broadcast<Block>> shipped = new ArrayList<>(blocks.size());
    List<Integer> ids = new ArrayList<>(blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      shipped.add(sc.broadcast(blocks.get(i)));
      ids.add(i);
    }
    JavaRDD<Block> rdd = sc.parallelize(ids, ids.size()).map(i -> shipped.get(i).value())
        .setName(name);
    rdd.persist(StorageLevel.MEMORY_ONLY());
    return rdd;
  }
}
