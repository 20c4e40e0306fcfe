package org.sparkprop.driver.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.Block;
import scala.Tuple2;
import scala.collection.immutable.List$;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The ring's one stage for all epochs reads training shard q, then validation shard q, in
 * partition q, placed where the training shard is.
 */
class ShardsWithValidationTest {
  private static final ClassTag<Block> BLOCK = ClassTag$.MODULE$.apply(Block.class);
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = TestSpark.start("local[2]");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  /** A block of rows rows whose single target is its tag (to tell blocks apart). */
  private static Block block(int rows, float tag) {
    float[] y = new float[rows];
    Arrays.fill(y, tag);
    return new Block(new float[rows * 2], y, rows, 2, 1);
  }

  /**
   * One partition per block, block i preferring host i (SparkContext.makeRDD). Raw types: the
   * Seq in makeRDD's signature is scala.collection.Seq on Scala 2.12 and the immutable one on
   * 2.13, and an immutable List is both.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RDD<Block> placed(List<Block> blocks, List<String> hosts) {
    scala.collection.immutable.List seq = List$.MODULE$.empty();
    for (int i = blocks.size() - 1; i >= 0; i--) {
      scala.collection.immutable.List host = List$.MODULE$.empty();
      seq = seq.$colon$colon(new Tuple2<>(blocks.get(i), host.$colon$colon(hosts.get(i))));
    }
    return sc.sc().makeRDD(seq, BLOCK);
  }

  @Test
  void partitionQHoldsTrainingShardQThenValidationShardQWhereTheTrainingShardIs() {
    RDD<Block> train = placed(List.of(block(3, 10), block(4, 11)), List.of("hostA", "hostB"));
    RDD<Block> validation = placed(List.of(block(1, 20), block(2, 21)),
        List.of("hostC", "hostD"));
    ShardsWithValidation both = new ShardsWithValidation(train, validation);

    // Each partition's blocks as "tag×rows", in the order the task reads them.
    List<String> parts = new JavaRDD<>(both, BLOCK).mapPartitions(it -> {
      StringBuilder sb = new StringBuilder();
      it.forEachRemaining(b -> sb.append(sb.length() > 0 ? " " : "")
          .append((int) b.y()[0]).append('×').append(b.rows()));
      return List.of(sb.toString()).iterator();
    }).collect();
    assertEquals(List.of("10×3 20×1", "11×4 21×2"), parts);
    for (int q = 0; q < 2; q++) {
      assertEquals("host" + "AB".charAt(q), sc.sc().getPreferredLocs(both, q).head().host(),
          "partition " + q);
    }
  }

  @Test
  void shardsOfDifferentPartitionCountsAreRefused() {
    RDD<Block> train = placed(List.of(block(3, 10), block(4, 11)), List.of("h", "h"));
    RDD<Block> validation = placed(List.of(block(1, 20)), List.of("h"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShardsWithValidation(train, validation));
    assertEquals("the training shards have 2 partitions, the validation shards 1",
        e.getMessage());
  }

  @Test
  void aTrainingShardOfOtherThanOneBlockFailsItsTask() {
    RDD<Block> train = sc.parallelize(List.of(block(3, 10), block(4, 11)), 1).rdd();
    RDD<Block> validation = placed(List.of(block(1, 20)), List.of("h"));
    SparkException e = assertThrows(SparkException.class,
        () -> new JavaRDD<>(new ShardsWithValidation(train, validation), BLOCK).count());
    assertTrue(e.getMessage().contains("training shard 0 holds 2 blocks, not 1"),
        e.getMessage());
  }
}
