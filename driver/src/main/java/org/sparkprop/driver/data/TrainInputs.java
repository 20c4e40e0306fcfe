package org.sparkprop.driver.data;

/**
 * Where a training run's data comes from: train and test files (labels null for LibSVM and
 * tables; all four null for Fashion-MNIST from fashionMnistDir, itself null for the default
 * location), their format, the table columns, the class count and LibSVM's feature count
 * (0 = the largest index seen).
 */
public record TrainInputs(String fashionMnistDir, String trainFeatures, String trainLabels,
    String testFeatures, String testLabels, InputFormat format, String featuresCol,
    String labelCol, int classes, int numFeatures) {

  public TrainInputs {
    if ((trainFeatures == null) != (testFeatures == null)) {
      throw new IllegalArgumentException("give --train-features and --test-features (with "
          + "--train-labels/--test-labels unless LibSVM or a table), or neither for "
          + "Fashion-MNIST");
    }
  }

  /** Whether this is the Fashion-MNIST folder rather than named files. */
  public boolean fashionMnist() {
    return trainFeatures == null;
  }

  /** The training files' concrete format (IDX for Fashion-MNIST). */
  public InputFormat trainFormat() {
    return fashionMnist() ? InputFormat.IDX : format.resolve(trainFeatures, trainLabels, true);
  }

  /** The test files' concrete format. */
  public InputFormat testFormat() {
    return fashionMnist() ? InputFormat.IDX : format.resolve(testFeatures, testLabels, true);
  }
}
