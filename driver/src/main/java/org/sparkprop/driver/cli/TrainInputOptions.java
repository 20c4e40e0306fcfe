package org.sparkprop.driver.cli;

import java.util.List;
import org.sparkprop.driver.data.Caching;
import org.sparkprop.driver.data.Storage;
import org.sparkprop.driver.data.TrainInputs;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** train's data flags. Paths are Hadoop URIs (file://, hdfs://, s3a://). */
final class TrainInputOptions {
  @Option(names = "--fashion-mnist", paramLabel = "DIR",
      description = "Fashion-MNIST IDX folder (default: /usr/share/datasets/fashion-mnist). "
          + "Used when no --train-* files are given.")
  String fashionMnist;

  @Option(names = "--train-features", paramLabel = "URI", description = "training features: "
      + "IDX images (.gz or plain), the course *_vectors.csv, LibSVM (.libsvm/.svm: labels in "
      + "the same file), or a Parquet/CSV table")
  String trainFeatures;

  @Option(names = "--train-labels", paramLabel = "URI", description = "training labels (IDX "
      + "or the course *_labels.csv)")
  String trainLabels;

  @Option(names = "--test-features", paramLabel = "URI", description = "test features, in "
      + "the training data's format")
  String testFeatures;

  @Option(names = "--test-labels", paramLabel = "URI", description = "test labels")
  String testLabels;

  @Option(names = "--classes", defaultValue = "10", description = "number of classes "
      + "(${DEFAULT-VALUE})")
  int classes;

  @Option(names = "--num-features", paramLabel = "N", defaultValue = "0",
      description = "feature count of LibSVM input (0 = the largest index seen)")
  int numFeatures;

  @Option(names = "--class-names", split = ",", paramLabel = "NAME", description = "the "
      + "classes' names, comma-separated, for the report (Fashion-MNIST's ten by default for "
      + "its folder)")
  List<String> classNames;

  @Option(names = "--cache", defaultValue = "memory", description = "how the shards the "
      + "executors build are kept between epochs: memory (objects, spilling to disk), "
      + "serialized (smaller, spilling to disk), none (rebuilt from the input every epoch, for "
      + "data larger than the executors' memory) (${DEFAULT-VALUE})")
  Caching cache;

  @Option(names = "--shard-storage", defaultValue = "auto", description = "how the training "
      + "and validation shards hold their features: auto (1 byte each when all are integers "
      + "in 0..255, else 4-byte floats; lossless), float32, bf16 (bytes where lossless, else "
      + "2-byte bfloat16: lossy, half the memory of floats) (${DEFAULT-VALUE})")
  Storage storage;

  @Mixin TableOptions table = new TableOptions();

  private static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser",
      "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** The class names for the report: --class-names, or Fashion-MNIST's; empty if unknown. */
  List<String> classNames(MlpSpec spec) {
    if (spec.task() != Task.CLASSIFICATION) {
      return List.of();
    }
    if (classNames != null) {
      return classNames;
    }
    return trainFeatures == null && classes == 10 ? FASHION_MNIST : List.of();
  }

  /** The inputs these flags name, checked. */
  TrainInputs inputs() {
    Flags.atLeast("--classes", classes, 1);
    if (classNames != null && classNames.size() != classes) {
      throw new IllegalArgumentException("--class-names lists " + classNames.size()
          + " names for --classes " + classes);
    }
    Flags.atLeast("--num-features", numFeatures, 0);
    return new TrainInputs(fashionMnist, trainFeatures, trainLabels, testFeatures, testLabels,
        table.format, table.featuresCol, table.labelCol, classes, numFeatures);
  }
}
