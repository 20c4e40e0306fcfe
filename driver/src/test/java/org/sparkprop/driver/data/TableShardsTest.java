package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.data.Targets;

/**
 * Tables sharded on the executors: every row lands in exactly one shard, shards are equal to
 * one row, the split and order depend only on the seed, the scaling equals the one computed on
 * one machine, and no task sends rows to the driver.
 */
class TableShardsTest {
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = TestSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    sc.close();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 7, 64, 1000, 4097})
  void rowPermutationIsABijection(long n) {
    RowPermutation p = new RowPermutation(n, 42);
    BitSet seen = new BitSet();
    for (long i = 0; i < n; i++) {
      long r = p.apply(i);
      assertTrue(r >= 0 && r < n, "position " + r);
      assertTrue(!seen.get((int) r), "twice " + r);
      seen.set((int) r);
    }
    if (n >= 64) {
      // Not the identity, and another seed gives another order.
      RowPermutation q = new RowPermutation(n, 43);
      int same = 0;
      int fixed = 0;
      for (long i = 0; i < n; i++) {
        same += p.apply(i) == q.apply(i) ? 1 : 0;
        fixed += p.apply(i) == i ? 1 : 0;
      }
      assertTrue(same < n / 8 && fixed < n / 8, "same " + same + ", fixed " + fixed);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> p.apply(n));
  }

  /** A table of n rows: features (row number, row number · 2, 7), label row % 3. */
  private static String writeTable(Path dir, int n, int files) {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    StructType schema = new StructType()
        .add("features", DataTypes.createArrayType(DataTypes.FloatType))
        .add("label", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(List.of((float) i, 2f * i, 7f), i % 3));
    }
    String uri = dir.resolve("t.parquet").toString();
    spark.createDataFrame(rows, schema).repartition(files).write().parquet(uri);
    return uri;
  }

  @Test
  void everyRowInExactlyOneEqualShardAndNoRowsReachTheDriver(@TempDir Path dir)
      throws Exception {
    int n = 1003;
    String uri = writeTable(dir, n, 5);
    AtomicLong largestResult = new AtomicLong();
    SparkListener l = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        if (e.taskMetrics() != null) {
          largestResult.accumulateAndGet(e.taskMetrics().resultSize(), Math::max);
        }
      }
    };
    sc.sc().addSparkListener(l);
    TableShards.Split split;
    try {
      JavaRDD<Block> raw = TableSource.blocks(sc, uri, InputFormat.PARQUET, "features",
          "label", Targets.classes(3));
      TableShards.Layout layout = TableShards.layout(raw, "t");
      assertEquals(n, layout.rows());
      assertEquals(3, layout.features());
      split = TableShards.split(raw, layout, 0.1, 3, 7, "t");
      sc.sc().listenerBus().waitUntilEmpty();
    } finally {
      sc.sc().removeSparkListener(l);
    }
    // 1003 rows × 3 features are 12 KB of floats; task results stay far below it.
    assertTrue(largestResult.get() < 4096, "a task sent " + largestResult.get() + " bytes");
    assertEquals(100, split.validationRows());
    assertEquals(903, split.trainRows());
    List<Block> train = split.train().collect();
    List<Block> val = split.validation().collect();
    assertEquals(3, train.size());
    BitSet seen = new BitSet();
    for (List<Block> part : List.of(train, val)) {
      for (Block b : part) {
        for (int r = 0; r < b.rows(); r++) {
          int row = (int) b.x()[r * 3];
          assertEquals(2f * row, b.x()[r * 3 + 1]);
          assertEquals(row % 3, (int) b.y()[r]);
          assertTrue(!seen.get(row), "row " + row + " twice");
          seen.set(row);
        }
      }
    }
    assertEquals(n, seen.cardinality());
    for (Block b : train) {
      assertEquals(301, b.rows());
    }
    // The same seed gives the same shards, row for row; another seed another split.
    JavaRDD<Block> raw2 = TableSource.blocks(sc, uri, InputFormat.PARQUET, "features",
        "label", Targets.classes(3));
    TableShards.Split again = TableShards.split(raw2, TableShards.layout(raw2, "t"), 0.1, 3, 7,
        "t");
    List<Block> train2 = again.train().collect();
    for (int q = 0; q < 3; q++) {
      assertArrayEquals(train.get(q).x(), train2.get(q).x());
    }
    TableShards.Split other = TableShards.split(raw2, TableShards.layout(raw2, "t"), 0.1, 3, 8,
        "t");
    assertTrue(!Arrays.equals(train.get(0).x(), other.train().collect().get(0).x()));
  }

  @Test
  void scalingFitOnTheShardsEqualsTheSingleMachineFit(@TempDir Path dir) {
    String uri = writeTable(dir, 300, 3);
    JavaRDD<Block> raw = TableSource.blocks(sc, uri, InputFormat.PARQUET, "features",
        "label", Targets.classes(3));
    TableShards.Split split = TableShards.split(raw, TableShards.layout(raw, "t"), 0.2, 2, 1,
        "t");
    List<Block> train = split.train().collect();
    int rows = train.get(0).rows() + train.get(1).rows();
    float[] x = new float[rows * 3];
    System.arraycopy(train.get(0).x(), 0, x, 0, train.get(0).x().length);
    System.arraycopy(train.get(1).x(), 0, x, train.get(0).x().length, train.get(1).x().length);
    Normalizer local = Normalizer.fit(Scaling.STANDARDIZE, x, rows, 3);
    Normalizer dist = TableShards.fitScaling(Scaling.STANDARDIZE, split.train(), rows, 3);
    assertArrayEquals(local.shift(), dist.shift(), 1e-4f);
    assertArrayEquals(local.scale(), dist.scale(), 1e-6f);
    assertEquals(1f, dist.scale()[2]); // a constant feature keeps scale 1
    List<Block> scaled = TableShards.scaled(split.train(), dist, "s").collect();
    float[] expect = train.get(1).x().clone();
    dist.apply(expect, train.get(1).rows());
    assertArrayEquals(expect, scaled.get(1).x());
  }

  @Test
  void moreShardsThanTrainingRowsIsAClearError(@TempDir Path dir) {
    String uri = writeTable(dir, 4, 1);
    JavaRDD<Block> raw = TableSource.blocks(sc, uri, InputFormat.PARQUET, "features",
        "label", Targets.classes(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TableShards.split(raw, TableShards.layout(raw, "t"), 0.5, 3, 1, "t"));
    assertTrue(e.getMessage().contains("exceeds the 2 training rows"), e.getMessage());
  }

  /** Input blocks of rows × 3 features: pixel values, or with a fraction when odd. */
  private static float[] values(int rows, int seed, boolean odd) {
    float[] x = new float[rows * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 37 + seed * 11) % 256 + (odd && i % 5 == 0 ? 0.5f : 0);
    }
    return x;
  }

  private static float[] labels(int rows) {
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = i % 3;
    }
    return y;
  }

  /**
   * Byte input blocks stay bytes through the shuffle and give the shards of the same values
   * held as floats; a shard with any float piece is floats, with the same values.
   */
  @Test
  void byteBlocksShardToTheSameRowsAsFloats() {
    for (boolean mixed : new boolean[] {false, true}) {
      float[] a = values(40, 1, false);
      float[] b = values(30, 2, mixed);
      List<Block> packed = List.of(Block.packed(a.clone(), labels(40), 40, 3, 1),
          Block.packed(b.clone(), labels(30), 30, 3, 1));
      assertTrue(packed.get(0).compact());
      assertEquals(!mixed, packed.get(1).compact());
      List<Block> plain = List.of(new Block(a, labels(40), 40, 3, 1),
          new Block(b, labels(30), 30, 3, 1));
      JavaRDD<Block> rp = sc.parallelize(packed, 2);
      JavaRDD<Block> rf = sc.parallelize(plain, 2);
      TableShards.Split sp = TableShards.split(rp, TableShards.layout(rp, "p"), 0.2, 2, 5, "p");
      TableShards.Split sf = TableShards.split(rf, TableShards.layout(rf, "f"), 0.2, 2, 5, "f");
      List<Block> tp = sp.train().collect();
      List<Block> tf = sf.train().collect();
      for (int k = 0; k < 2; k++) {
        assertEquals(!mixed, tp.get(k).compact(), "shard " + k + (mixed ? " mixed" : ""));
        assertArrayEquals(tf.get(k).x(), tp.get(k).asDataset().x(), "shard " + k);
        assertArrayEquals(tf.get(k).y(), tp.get(k).y());
      }
      assertArrayEquals(sf.validation().collect().get(1).x(),
          sp.validation().collect().get(1).asDataset().x());
      Normalizer np = TableShards.fitScaling(Scaling.STANDARDIZE, sp.train(), sp.trainRows(), 3);
      Normalizer nf = TableShards.fitScaling(Scaling.STANDARDIZE, sf.train(), sf.trainRows(), 3);
      assertArrayEquals(nf.shift(), np.shift(), 0f);
      assertArrayEquals(nf.scale(), np.scale(), 0f);
      List<Block> scaledP = TableShards.scaled(sp.train(), np, "sp").collect();
      List<Block> scaledF = TableShards.scaled(sf.train(), nf, "sf").collect();
      assertArrayEquals(scaledF.get(0).asDataset().x(), scaledP.get(0).asDataset().x(), 0f);
    }
  }
}
