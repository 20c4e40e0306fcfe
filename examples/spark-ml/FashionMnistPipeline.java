import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.ml.SparkpropClassificationModel;
import org.sparkprop.ml.SparkpropClassifier;
import org.sparkprop.trainer.data.FashionMnist;
import scala.collection.Seq;

/**
 * sparkprop in a Spark ML program: Fashion-MNIST as Parquet (an array column of pixels and a
 * label; made once from the installed IDX files), a Pipeline of an array-to-vector step and
 * SparkpropClassifier, MulticlassClassificationEvaluator on the test set, the fitted
 * PipelineModel saved, loaded again and scored again, and the test predictions written.
 *
 * <p>Run: examples/spark-ml/run.sh [OUT] (default out/spark-ml). Prints one JSON line.
 */
public class FashionMnistPipeline {
  public static void main(String[] args) throws Exception {
    String out = Path.of(args.length > 0 ? args[0] : "out/spark-ml").toAbsolutePath()
        .toString();
    SparkSession spark = SparkSession.builder().master("local[2]")
        .appName("sparkprop Spark ML example").config("spark.ui.enabled", "false")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    // array_to_vector for SQL (Spark has it as a Scala/Python function only).
    spark.udf().register("array_to_vector", (UDF1<Seq<Float>, Vector>) a -> {
      double[] v = new double[a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = a.apply(i);
      }
      return Vectors.dense(v);
    }, SQLDataTypes.VectorType());
    String data = out + "/fashion-mnist";
    if (!Files.exists(Path.of(data, "test", "_SUCCESS"))) {
      parquetCopy(spark, data);
    }
    Dataset<Row> train = spark.read().parquet(data + "/train");
    Dataset<Row> test = spark.read().parquet(data + "/test");

    SQLTransformer toVector = new SQLTransformer().setStatement(
        "SELECT *, array_to_vector(pixels) AS features FROM __THIS__");
    // The command line's defaults (784-512-256-10, ReLU, batch norm, dropout 0.3, AdamW,
    // cosine schedule, 20 epochs, pixels scaled by 1/255), on two workers.
    SparkpropClassifier mlp = new SparkpropClassifier().setPartitions(2);
    long t0 = System.nanoTime();
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {toVector, mlp})
        .fit(train);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;

    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
        .setMetricName("accuracy");
    double testAccuracy = accuracy.evaluate(model.transform(test));

    String saved = out + "/pipeline-model";
    model.write().overwrite().save(saved);
    PipelineModel loaded = PipelineModel.load(saved);
    Dataset<Row> scored = loaded.transform(test);
    double reloadedAccuracy = accuracy.evaluate(scored);
    scored.select("label", "prediction", "probability").write().mode(SaveMode.Overwrite)
        .parquet(out + "/test-predictions");

    SparkpropClassificationModel mlpModel = (SparkpropClassificationModel) loaded.stages()[1];
    System.out.printf(java.util.Locale.ROOT, "{\"test_accuracy\": %.4f, "
        + "\"reloaded_test_accuracy\": %.4f, \"fit_seconds\": %.1f, \"epochs\": %d, "
        + "\"communication_share\": %.3f, \"model\": \"%s\", \"predictions\": \"%s\"}%n",
        testAccuracy, reloadedAccuracy, trainSeconds, mlpModel.summary().epochs().size(),
        mlpModel.summary().communicationShare(), saved, out + "/test-predictions");
    spark.stop();
  }

  /** The installed IDX files as Parquet: pixels (array of 784 floats, 0..255) and label. */
  private static void parquetCopy(SparkSession spark, String dir) throws Exception {
    org.sparkprop.trainer.data.Dataset[] fm = FashionMnist.load(FashionMnist.defaultDir());
    StructType schema = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("label", DataTypes.IntegerType, false);
    String[] names = {"train", "test"};
    for (int s = 0; s < 2; s++) {
      org.sparkprop.trainer.data.Dataset d = fm[s];
      List<Row> rows = new ArrayList<>(d.rows());
      for (int r = 0; r < d.rows(); r++) {
        Float[] px = new Float[d.features()];
        for (int j = 0; j < px.length; j++) {
          px[j] = d.x()[r * px.length + j];
        }
        rows.add(RowFactory.create(px, (int) d.y()[r]));
      }
      spark.createDataFrame(rows, schema).repartition(4).write().mode(SaveMode.Overwrite)
          .parquet(dir + "/" + names[s]);
    }
  }
}
