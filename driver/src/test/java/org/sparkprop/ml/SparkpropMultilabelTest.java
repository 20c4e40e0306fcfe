package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-label classifier: three labels that are half-planes of the features are learned
 * (Hamming accuracy above 0.93), predictions are 0/1 vectors at the threshold, a saved and
 * loaded model predicts the same, and a scalar label is refused before training.
 */
class SparkpropMultilabelTest extends MlSpark {
  @TempDir
  static Path dir;

  /** x uniform in [−1, 1]³; labels [x0 > 0, x1 > 0, x0 + x2 > 0]. */
  private Dataset<Row> data(int n, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = 2 * r.nextDouble() - 1;
      double b = 2 * r.nextDouble() - 1;
      double c = 2 * r.nextDouble() - 1;
      rows.add(RowFactory.create(Vectors.dense(a, b, c), Vectors.dense(a > 0 ? 1 : 0,
          b > 0 ? 1 : 0, a + c > 0 ? 1 : 0), i % 3));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("labels", SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("group", DataTypes.IntegerType, false,
            Metadata.empty())});
    return spark().createDataFrame(rows, schema).repartition(2);
  }

  @Test
  void learnsLabelSetsAndSurvivesSaveAndLoad() throws IOException {
    SparkpropMultilabelClassifier mlc = new SparkpropMultilabelClassifier()
        .setLayers(new int[] {3, 16, 3}).setEpochs(20).setBatch(32).setLr(0.01)
        .setScaling("none").setPartitions(2).setLabelCol("labels").setThreshold(0.4);
    SparkpropMultilabelModel m = mlc.fit(data(1200, 1));
    assertEquals(3, m.numLabels());
    assertEquals(0.4, (Double) m.getOrDefault(m.threshold()), 0.0);
    Dataset<Row> scored = m.transform(data(300, 2));
    long right = 0;
    long all = 0;
    for (Row r : scored.select("labels", "probability", "prediction").collectAsList()) {
      Vector t = r.getAs(0);
      Vector p = r.getAs(1);
      Vector d = r.getAs(2);
      for (int j = 0; j < 3; j++) {
        assertEquals(p.apply(j) >= 0.4 ? 1.0 : 0.0, d.apply(j), 0.0);
        right += t.apply(j) == d.apply(j) ? 1 : 0;
        all++;
      }
    }
    Assertions.assertTrue(right > 0.93 * all, "Hamming accuracy " + right / (double) all);
    String path = dir.resolve("multilabel").toUri().toString();
    m.write().overwrite().save(path);
    assertDataFrameApproximateEquals(scored,
        SparkpropMultilabelModel.load(path).transform(data(300, 2)), 0.0);
    assertThrows(UnsupportedOperationException.class, () -> m.predict(Vectors.dense(0, 0, 0)));
  }

  @Test
  void aScalarLabelIsRefused() {
    SparkpropMultilabelClassifier mlc = new SparkpropMultilabelClassifier()
        .setLayers(new int[] {3, 4, 3}).setLabelCol("group");
    String m = assertThrows(IllegalArgumentException.class, () -> mlc.fit(data(30, 3)))
        .getMessage();
    assertEquals("requirement failed: Column group must hold a vector or array of 0/1 label "
        + "flags but was actually int.", m);
  }
}
