package org.sparkprop.driver.exchange;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.OneToOneDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.sparkprop.driver.data.Block;
import scala.collection.Iterator;
import scala.collection.immutable.List$;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Partition q of the training shards followed by partition q of the validation shards (both P
 * partitions), for a stage whose tasks evaluate the validation set themselves between epochs.
 * Unlike a zip, it runs where the training shard is (the large one: the scheduler takes the
 * place of the first dependency that has one), never where only the validation shard is.
 */
final class ShardsWithValidation extends RDD<Block> {
  private static final long serialVersionUID = 1L;
  private static final ClassTag<Block> BLOCK = ClassTag$.MODULE$.apply(Block.class);
  private final RDD<Block> train;
  private final RDD<Block> validation;

  ShardsWithValidation(RDD<Block> train, RDD<Block> validation) {
    super(train.context(), deps(train, validation), BLOCK);
    if (train.getNumPartitions() != validation.getNumPartitions()) {
      throw new IllegalArgumentException("the training shards have "
          + train.getNumPartitions() + " partitions, the validation shards "
          + validation.getNumPartitions());
    }
    this.train = train;
    this.validation = validation;
  }

  /** train's dependency first (a Scala list, the constructor's Seq on Scala 2.12 and 2.13). */
  private static scala.collection.immutable.List<Dependency<?>> deps(RDD<Block> train,
      RDD<Block> validation) {
    scala.collection.immutable.List<Dependency<?>> none = List$.MODULE$.empty();
    return none.$colon$colon(new OneToOneDependency<>(validation))
        .$colon$colon(new OneToOneDependency<>(train));
  }

  @Override
  public Iterator<Block> compute(Partition split, TaskContext context) {
    Pair pair = (Pair) split;
    ArrayList<Block> all = new ArrayList<>();
    drain(train.iterator(pair.train(), context), all);
    // The task tells the two apart by position: a training shard is one block.
    if (all.size() != 1) {
      throw new IllegalStateException("training shard " + pair.index() + " holds "
          + all.size() + " blocks, not 1");
    }
    drain(validation.iterator(pair.validation(), context), all);
    scala.collection.immutable.List<Block> out = List$.MODULE$.empty();
    for (int i = all.size() - 1; i >= 0; i--) {
      out = out.$colon$colon(all.get(i));
    }
    return out.iterator();
  }

  private static void drain(Iterator<Block> it, List<Block> into) {
    while (it.hasNext()) {
      into.add(it.next());
    }
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] t = train.partitions();
    Partition[] v = validation.partitions();
    Partition[] p = new Partition[t.length];
    for (int q = 0; q < p.length; q++) {
      p[q] = new Pair(q, t[q], v[q]);
    }
    return p;
  }

  /** Partition q: the parents' partitions q (an executor cannot ask the parents for them). */
  private record Pair(int index, Partition train, Partition validation) implements Partition {}
}
