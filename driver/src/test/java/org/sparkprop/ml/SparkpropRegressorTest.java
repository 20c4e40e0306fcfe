package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
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
 * The regressor: one output (a number label, a double prediction) and two (a vector label, a
 * vector prediction) learn a smooth function far below the targets' spread, and a saved and
 * loaded model predicts the same.
 */
class SparkpropRegressorTest extends MlSpark {
  @TempDir
  static java.nio.file.Path dir;

  /** n rows of x in [−1, 1]², y1 = sin(2 x0) + x1, y2 = x0·x1, as label (y1) and targets. */
  private Dataset<Row> data(int n, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = 2 * r.nextDouble() - 1;
      double b = 2 * r.nextDouble() - 1;
      double y1 = Math.sin(2 * a) + b;
      rows.add(RowFactory.create(Vectors.dense(a, b), y1, Vectors.dense(y1, a * b)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("targets", SQLDataTypes.VectorType(), false, Metadata.empty())});
    return spark().createDataFrame(rows, schema).repartition(3);
  }

  private static SparkpropRegressor regressor() {
    return new SparkpropRegressor().setLayers(new int[] {2, 32, 1}).setEpochs(30)
        .setBatch(32).setLr(0.01).setScaling("none").setDropout(0).setBatchNorm(false)
        .setPartitions(2);
  }

  @Test
  void oneOutputLearnsAndSurvivesSaveAndLoad() throws IOException {
    Dataset<Row> train = data(1500, 1);
    Dataset<Row> test = data(300, 2);
    SparkpropRegressionModel m = regressor().setActivation("tanh").fit(train);
    Dataset<Row> scored = m.transform(test);
    double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(scored);
    Assertions.assertTrue(rmse < 0.15, "rmse " + rmse);
    Vector x = Vectors.dense(0.5, -0.25);
    double one = m.predict(x);

    String path = dir.resolve("regressor").toUri().toString();
    m.write().overwrite().save(path);
    SparkpropRegressionModel back = SparkpropRegressionModel.load(path);
    assertDataFrameApproximateEquals(scored, back.transform(test), 0.0);
    assertEquals(one, back.predict(x), 0.0);
    assertEquals(30, back.summary().epochs().size());
  }

  @Test
  void severalOutputsFromAVectorLabel() {
    SparkpropRegressionModel m = regressor().setLayers(new int[] {2, 32, 2})
        .setActivation("tanh").setLabelCol("targets").fit(data(1500, 3));
    assertEquals(2, m.numOutputs());
    Dataset<Row> scored = m.transform(data(300, 4));
    assertEquals(SQLDataTypes.VectorType(), scored.schema().apply("prediction").dataType());
    double sq = 0;
    List<Row> rows = scored.select("targets", "prediction").collectAsList();
    for (Row r : rows) {
      Vector t = r.getAs(0);
      Vector p = r.getAs(1);
      assertEquals(2, p.size());
      sq += Vectors.sqdist(t, p);
    }
    double rmse = Math.sqrt(sq / (2 * rows.size()));
    Assertions.assertTrue(rmse < 0.15, "rmse over both outputs " + rmse);
    assertThrows(UnsupportedOperationException.class, () -> m.predict(Vectors.dense(0, 0)));
  }
}
