package org.sparkprop.driver.cli;

import org.sparkprop.driver.data.TrainInputs;
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

  @Mixin TableOptions table = new TableOptions();

  /** The inputs these flags name, checked. */
  TrainInputs inputs() {
    Flags.atLeast("--classes", classes, 1);
    Flags.atLeast("--num-features", numFeatures, 0);
    return new TrainInputs(fashionMnist, trainFeatures, trainLabels, testFeatures, testLabels,
        table.format, table.featuresCol, table.labelCol, classes, numFeatures);
  }
}
