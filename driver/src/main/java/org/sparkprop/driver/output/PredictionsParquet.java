package org.sparkprop.driver.output;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.TableShards;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

/**
 * Predictions as Parquet, written by the executors (nothing passes through the driver): row
 * (the input row number, from 0), then by task: classification prediction (the class, int) and
 * probabilities (the K outputs); regression prediction (a float with one output, else an array
 * of K floats); multi-label labels (the predicted label indices, an int array) and
 * probabilities.
 */
public final class PredictionsParquet {
  private PredictionsParquet() {}

  /** The columns for a model of spec; with Monte Carlo dropout an uncertainty column last. */
  static StructType schema(MlpSpec spec, boolean mc) {
    StructType s = schema(spec);
    return mc ? s.add("uncertainty", DataTypes.FloatType, false) : s;
  }

  private static StructType schema(MlpSpec spec) {
    StructType t = new StructType().add("row", DataTypes.LongType, false);
    ArrayType floats = DataTypes.createArrayType(DataTypes.FloatType, false);
    return switch (spec.task()) {
      case CLASSIFICATION -> t.add("prediction", DataTypes.IntegerType, false)
          .add("probabilities", floats, false);
      case REGRESSION -> t.add("prediction", spec.outputs() == 1 ? DataTypes.FloatType
          : floats, false);
      case MULTILABEL -> t.add("labels", DataTypes.createArrayType(DataTypes.IntegerType,
          false), false).add("probabilities", floats, false);
    };
  }

  /**
   * Writes the predictions of (p, s) for data: one block per partition in input order, laid
   * out as layout says; threshold decides multi-label predictions. Spark's committer publishes
   * the folder (with _SUCCESS) only when every task succeeded; an existing output is an error,
   * not overwritten.
   */
  public static long write(JavaSparkContext sc, JavaRDD<Block> data, TableShards.Layout layout,
      MlpSpec spec, float[] p, float[] s, float threshold, Evaluator.Mc mc, String output) {
    SparkSession spark =
        SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    Broadcast<Weights> bc = sc.broadcast(new Weights(p, s));
    try {
      long[] offsets = layout.offsets();
      int k = spec.outputs();
      Task task = spec.task();
      JavaRDD<Row> rows = data.mapPartitionsWithIndex((part, it) -> {
        List<Row> out = new ArrayList<>();
        long row = offsets[part];
        while (it.hasNext()) {
          Block b = it.next();
          float[] u = new float[b.rows()];
          float[] probs = mc == null ? Evaluator.probabilities(spec, bc.value(), b)
              : Evaluator.probabilities(spec, bc.value(), b, mc, part, u);
          for (int r = 0; r < b.rows(); r++) {
            Float[] pr = new Float[k];
            List<Integer> labels = new ArrayList<>();
            for (int j = 0; j < k; j++) {
              pr[j] = probs[r * k + j];
              if (pr[j] >= threshold) {
                labels.add(j);
              }
            }
            List<Object> cells = new ArrayList<>(List.of(row));
            switch (task) {
              case CLASSIFICATION -> cells.addAll(List.of(Evaluator.classOf(probs, r, k), pr));
              case REGRESSION -> cells.add(k == 1 ? (Object) pr[0] : pr);
              case MULTILABEL -> cells.addAll(List.of(labels.toArray(new Integer[0]), pr));
              default -> throw new IllegalStateException(task.name());
            }
            if (mc != null) {
              cells.add(u[r]);
            }
            out.add(RowFactory.create(cells.toArray()));
            row++;
          }
        }
        return out.iterator();
      }, true);
      spark.createDataFrame(rows, schema(spec, mc != null)).write().parquet(output);
      return layout.rows();
    } finally {
      bc.destroy();
    }
  }
}
