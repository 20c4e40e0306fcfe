package org.sparkprop.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.output.Json;
import org.sparkprop.trainer.data.FashionMnist;

/**
 * The MLP a Spark user reaches for, measured side by side in one run: sparkprop's
 * SparkpropClassifier against MLlib's MultilayerPerceptronClassifier (sigmoid hidden units,
 * full-batch L-BFGS) on Fashion-MNIST, the same cached DataFrame (pixels scaled to [0, 1]),
 * the same layers, local[2]. Prints one JSON object: fit seconds and test accuracy of each.
 * Run with bin/bench-ml; -Dbench.epochs (sparkprop, 10), -Dbench.maxIter (MLlib, 100),
 * -Dbench.layers (784-256-10).
 */
public final class MlBench {
  private MlBench() {}

  public static void main(String[] args) throws Exception {
    int epochs = Integer.getInteger("bench.epochs", 10);
    int maxIter = Integer.getInteger("bench.maxIter", 100);
    String arch = System.getProperty("bench.layers", "784-256-10");
    String[] parts = arch.split("-");
    int[] layers = new int[parts.length];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = Integer.parseInt(parts[i]);
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("bench-ml")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    org.sparkprop.trainer.data.Dataset[] fm = FashionMnist.load(FashionMnist.defaultDir());
    Dataset<Row> train = frame(spark, fm[0]);
    Dataset<Row> test = frame(spark, fm[1]);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("layers", arch);
    out.put("master", "local[2]");
    out.put("sparkprop", run(new SparkpropClassifier().setLayers(layers).setEpochs(epochs)
        .setScaling("none").setPartitions(2), train, test, "epochs " + epochs));
    out.put("mllib_mlp", run(new MultilayerPerceptronClassifier().setLayers(layers)
        .setMaxIter(maxIter).setBlockSize(128).setSeed(42), train, test,
        "l-bfgs, maxIter " + maxIter));
    System.out.println(Json.write(out));
    spark.stop();
  }

  private static <M extends Model<M>> Map<String, Object> run(Estimator<M> e,
      Dataset<Row> train, Dataset<Row> test, String what) {
    long t0 = System.nanoTime();
    M m = e.fit(train);
    double fit = (System.nanoTime() - t0) / 1e9;
    double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(m.transform(test));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("settings", what);
    r.put("fit_seconds", fit);
    r.put("test_accuracy", acc);
    return r;
  }

  /** d as a cached DataFrame: features (pixels / 255, dense) and label, 4 partitions. */
  private static Dataset<Row> frame(SparkSession spark, org.sparkprop.trainer.data.Dataset d) {
    List<Row> rows = new ArrayList<>(d.rows());
    int f = d.features();
    for (int r = 0; r < d.rows(); r++) {
      double[] v = new double[f];
      for (int j = 0; j < f; j++) {
        v[j] = d.x()[r * f + j] / 255.0;
      }
      rows.add(RowFactory.create(Vectors.dense(v), (double) d.y()[r]));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.DoubleType, false);
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(4)
        .persist(StorageLevel.MEMORY_AND_DISK());
    df.count();
    return df;
  }
}
