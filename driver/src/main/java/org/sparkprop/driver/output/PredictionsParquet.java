package org.sparkprop.driver.output;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.TableShards;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

/**
 * Predictions as Parquet, written by the executors (nothing passes through the driver): row
 * (the input row number, from 0), prediction (the class), probabilities (the K outputs).
 */
public final class PredictionsParquet {
  private PredictionsParquet() {}

  static final StructType SCHEMA = new StructType()
      .add("row", DataTypes.LongType, false)
      .add("prediction", DataTypes.IntegerType, false)
      .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /**
   * Writes the predictions of (p, s) for data: one block per partition in input order, laid
   * out as layout says. Spark's committer publishes the folder (with _SUCCESS) only when every
   * task succeeded; an existing output is an error, not overwritten.
   */
  public static long write(JavaSparkContext sc, JavaRDD<Block> data, TableShards.Layout layout,
      MlpSpec spec, float[] p, float[] s, String output) {
    SparkSession spark =
        SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    Broadcast<Weights> bc = sc.broadcast(new Weights(p, s));
    try {
      long[] offsets = layout.offsets();
      int k = spec.outputs();
      JavaRDD<Row> rows = data.mapPartitionsWithIndex((part, it) -> {
        List<Row> out = new ArrayList<>();
        long row = offsets[part];
        while (it.hasNext()) {
          Block b = it.next();
          float[] probs = Evaluator.outputs(spec, bc.value(), b, true);
          for (int r = 0; r < b.rows(); r++) {
            Float[] pr = new Float[k];
            for (int j = 0; j < k; j++) {
              pr[j] = probs[r * k + j];
            }
            out.add(RowFactory.create(row++, Evaluator.classOf(probs, r, k), pr));
          }
        }
        return out.iterator();
      }, true);
      spark.createDataFrame(rows, SCHEMA).write().parquet(output);
      return layout.rows();
    } finally {
      bc.destroy();
    }
  }
}
