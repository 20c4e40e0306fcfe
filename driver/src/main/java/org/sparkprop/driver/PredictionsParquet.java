package org.sparkprop.driver;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Predictions as Parquet: row (input order), prediction (argmax), probabilities (K floats). */
final class PredictionsParquet {
  private PredictionsParquet() {}

  static long write(JavaSparkContext sc, float[] probs, int k, String output) {
    org.apache.spark.sql.SparkSession spark =
        org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    StructType schema = new StructType()
        .add("row", DataTypes.LongType, false)
        .add("prediction", DataTypes.IntegerType, false)
        .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    int n = probs.length / k;
    List<Row> rows = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      Float[] p = new Float[k];
      int best = 0;
      for (int j = 0; j < k; j++) {
        p[j] = probs[r * k + j];
        if (probs[r * k + j] > probs[r * k + best]) {
          best = j;
        }
      }
      rows.add(RowFactory.create((long) r, k == 1 ? (p[0] >= 0.5f ? 1 : 0) : best, p));
    }
    spark.createDataFrame(rows, schema).write().parquet(output);
    return n;
  }
}
