package org.sparkprop.driver.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.data.Targets;

/**
 * A training run's data on the cluster, scaled, split and sharded: the scaling fitted on the
 * training split, P training shards (what the trainer sees), the validation shards (null
 * without a validation split), the test set, the training set again in input order (for its
 * predictions, built on demand), and up to 256 validation rows for the layer monitor.
 */
public record TrainingData(Normalizer scaling, JavaRDD<Block> train, long trainRows,
    JavaRDD<Block> validation, long validationRows, JavaRDD<Block> test, long testRows,
    Supplier<JavaRDD<Block>> trainInOrder, Dataset sample) {
  private static final int SAMPLE_ROWS = 256;

  /**
   * How the data is prepared: network input width, the targets, scaling, validation split,
   * seed, P, how the shards are kept between epochs and how they hold their features.
   */
  public record Preparation(int inputs, String arch, Targets targets, Scaling scaling,
      double valFraction, long seed, int partitions, Caching cache, Storage storage) {}

  /**
   * Reads, scales, splits and shards in, every format on the executors: the driver holds a
   * few numbers per input partition, never the rows (see {@link TableShards},
   * {@link TextSources} and {@link IdxSource}).
   */
  public static TrainingData prepare(JavaSparkContext sc, Fs fs, TrainInputs in,
      Preparation how) throws IOException {
    if (in.fashionMnist()) {
      String[] f = FileInputs.fashionMnistFiles(fs, in.fashionMnistDir());
      in = new TrainInputs(null, f[0], f[1], f[2], f[3], InputFormat.IDX, in.featuresCol(),
          in.labelCol(), in.classes(), in.numFeatures());
    }
    return fromExecutors(sc, fs, in, how);
  }

  /** Reads one input's blocks on the executors: features, labels (or null), LibSVM width. */
  private interface BlockReader {
    JavaRDD<Block> read(String features, String labels, int width);
  }

  private static BlockReader reader(JavaSparkContext sc, Fs fs, TrainInputs in,
      Preparation how) {
    InputFormat fmt = in.trainFormat();
    Targets t = how.targets();
    int parts = how.partitions();
    return switch (fmt) {
      case LIBSVM -> (f, l, w) -> TextSources.libsvm(sc, f, t, w, parts);
      case IDX -> (f, l, w) -> {
        if (l == null) {
          throw new IllegalArgumentException(Fs.redact(f) + ": a labels file is needed (only "
              + "LibSVM carries its labels)");
        }
        try {
          return IdxSource.read(sc, fs, f, l, t, parts);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      case COURSE_CSV -> (f, l, w) -> {
        if (l == null) {
          throw new IllegalArgumentException(Fs.redact(f) + ": a labels file is needed (only "
              + "LibSVM carries its labels)");
        }
        return CoursePairSource.coursePair(sc, f, l, t, parts);
      };
      default -> (f, l, w) -> TableSource.blocks(sc, f, fmt, in.featuresCol(), in.labelCol(),
          t);
    };
  }

  private static TrainingData fromExecutors(JavaSparkContext sc, Fs fs, TrainInputs in,
      Preparation how) throws IOException {
    BlockReader reader = reader(sc, fs, in, how);
    if (!in.trainFormat().isTable()) {
      // Text read by the executors: a missing file is named now, as the driver's readers do.
      for (String f : new String[] {in.trainFeatures(), in.trainLabels(), in.testFeatures(),
          in.testLabels()}) {
        if (f != null) {
          fs.checkExists(f);
        }
      }
    }
    int width = 0;
    if (in.trainFormat() == InputFormat.LIBSVM) {
      // One checking pass over each file first, so the first malformed line is the one named.
      int n = in.numFeatures();
      int seen = TextSources.libsvmCheck(sc, in.trainFeatures(), how.targets(), n,
          how.partitions());
      width = n > 0 ? n : Math.max(1, seen);
      TextSources.libsvmCheck(sc, in.testFeatures(), how.targets(), width, how.partitions());
    }
    int w = width;
    Supplier<JavaRDD<Block>> trainTable = () -> reader.read(in.trainFeatures(),
        in.trainLabels(), w);
    TrainingData t = fromBlocks(trainTable, Fs.redact(in.trainFeatures()), how);
    JavaRDD<Block> testRaw = reader.read(in.testFeatures(), in.testLabels(), width);
    if (how.cache() != Caching.NONE) {
      // Read once for its layout and its scaling (which releases it).
      testRaw.persist(StorageLevel.MEMORY_AND_DISK());
    }
    TableShards.Layout testLayout = TableShards.layout(testRaw, Fs.redact(in.testFeatures()));
    int features = t.scaling().shift().length;
    if (testLayout.features() != features) {
      throw new IllegalArgumentException(Fs.redact(in.testFeatures()) + ": "
          + testLayout.features() + " features per row, the training data has " + features);
    }
    JavaRDD<Block> test = TableShards.scaled(testRaw, t.scaling(), "test", how.cache());
    return new TrainingData(t.scaling(), t.train(), t.trainRows(), t.validation(),
        t.validationRows(), test, testLayout.rows(), t.trainInOrder(), t.sample());
  }

  /**
   * Training data from blocks the executors read (input order; name in messages): split,
   * scaling fitted, sharded. No test set (null, 0 rows).
   */
  public static TrainingData fromBlocks(Supplier<JavaRDD<Block>> trainTable, String name,
      Preparation how) {
    JavaRDD<Block> raw = trainTable.get();
    if (how.cache() != Caching.NONE) {
      raw.persist(StorageLevel.MEMORY_AND_DISK());
    }
    TableShards.Layout layout = TableShards.layout(raw, name);
    checkWidth(layout.features(), how);
    TableShards.Split split = TableShards.split(raw, layout, how.valFraction(),
        how.partitions(), how.seed(), name, how.cache());
    if (how.cache() != Caching.NONE) {
      raw.unpersist(false);
    }
    Normalizer norm = TableShards.fitScaling(how.scaling(), split.train(), split.trainRows(),
        layout.features());
    JavaRDD<Block> train = TableShards.scaled(split.train(), norm, "train", how.cache(),
        how.storage());
    JavaRDD<Block> val = split.validation() == null ? null
        : TableShards.scaled(split.validation(), norm, "validation", how.cache(),
            how.storage());
    Dataset sample = val == null ? new Dataset(new float[0], new float[0], 0,
        layout.features(), how.targets().perRow())
        : val.map(b -> b.head(SAMPLE_ROWS)).first().asDataset();
    return new TrainingData(norm, train, split.trainRows(), val, split.validationRows(), null,
        0, () -> TableShards.scaled(trainTable.get(), norm, "train in input order"), sample);
  }

  private static void checkWidth(int features, Preparation how) {
    if (features != how.inputs()) {
      throw new IllegalArgumentException("the data has " + features
          + " features per row but --arch " + how.arch() + " takes " + how.inputs());
    }
  }
}
