package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input is a clear error before any training: a wrong column type, a missing
 * column, a label outside the classes, a features vector of the wrong size, an invalid value
 * when a param is set, params that do not go together.
 */
class SparkpropBadInputTest extends MlSpark {
  @TempDir
  static Path dir;

  private Dataset<Row> blobs() throws IOException {
    return blobs(dir, 90, 4);
  }


  private static SparkpropClassifier mlp() {
    return new SparkpropClassifier().setLayers(new int[] {4, 8, 3}).setEpochs(1)
        .setPartitions(2);
  }

  private static String fitError(SparkpropClassifier mlp, Dataset<Row> df) {
    return assertThrows(IllegalArgumentException.class, () -> mlp.fit(df)).getMessage();
  }

  @Test
  void aFeaturesColumnThatIsNotAVector() throws IOException {
    String m = fitError(mlp().setFeaturesCol("a"), blobs());
    // Ours on both Spark lines (Spark 4 words Spark's own checks differently from 3.5).
    Assertions.assertEquals("requirement failed: Column a must be of type vector "
        + "(org.apache.spark.ml.linalg.VectorUDT) but was actually double.", m);
  }

  @Test
  void aLabelThatIsNotANumber() throws IOException {
    Dataset<Row> df = blobs().withColumn("label", functions.concat(functions.lit("c"),
        functions.col("label")));
    String m = fitError(mlp(), df);
    Assertions.assertTrue(m.contains("Column label must be of type numeric but was actually of "
        + "type string"), m);
  }

  @Test
  void aMissingColumn() throws IOException {
    String m = fitError(mlp().setFeaturesCol("pixels"), blobs());
    Assertions.assertEquals("pixels does not exist. Available: a, b, c, d, label, features", m);
  }

  @Test
  void aLabelOutsideTheClasses() throws IOException {
    Dataset<Row> df = blobs().withColumn("label", functions.when(functions.col("a").gt(999),
        0).otherwise(functions.col("label").plus(1)));
    SparkpropClassifier mlp = mlp();
    String m = fitError(mlp, df);
    Assertions.assertTrue(m.startsWith(mlp.uid() + ": the training data: partition 0, row 2: "
        + "label 3 is not a class in [0, 3)"), m);
  }

  @Test
  void aFeaturesVectorOfTheWrongSize() throws IOException {
    String m = fitError(mlp().setLayers(new int[] {5, 8, 3}), blobs());
    assertEquals("the data has 4 features per row but layers 5-8-3 takes 5", m);
  }

  @Test
  void aValueIsCheckedWhenSet() {
    SparkpropClassifier mlp = mlp();
    String m = assertThrows(IllegalArgumentException.class, () -> mlp.setLr(-1)).getMessage();
    assertEquals(mlp.uid() + " parameter lr given invalid value -1.0: lr must be > 0, got -1",
        m);
    m = assertThrows(IllegalArgumentException.class, () -> mlp.setOptimizer("lbfgs"))
        .getMessage();
    Assertions.assertTrue(m.startsWith(mlp.uid() + " parameter optimizer given invalid value "
        + "lbfgs: optimizer: "), m);
    m = assertThrows(IllegalArgumentException.class, () -> mlp.setExchange("carrier pigeon"))
        .getMessage();
    Assertions.assertTrue(m.contains("parameter exchange given invalid value carrier pigeon"),
        m);
    m = assertThrows(IllegalArgumentException.class, () -> mlp.setLayers(new int[] {4}))
        .getMessage();
    Assertions.assertTrue(m.contains("parameter layers given invalid value 4: layers: '4' "
        + "needs at least an input and an output size"), m);
  }

  @Test
  void paramsThatDoNotGoTogetherFailBeforeAnyData() throws IOException {
    SparkpropClassifier mlp = mlp().setMomentum(0.5);
    String m = fitError(mlp, blobs());
    assertEquals(mlp.uid() + ": momentum has no effect with optimizer adamw (it applies to "
        + "momentum, nesterov)", m);
    m = fitError(mlp().setActivation("relu,tanh"), blobs());
    Assertions.assertTrue(m.endsWith("activation lists 2 activations for 1 hidden layers"), m);
    m = fitError(mlp().setBatch(1), blobs());
    Assertions.assertTrue(m.contains("batch 1 with batch normalisation"), m);
  }
}
