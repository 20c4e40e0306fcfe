package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.CliRun;

/** The classifier in a Pipeline: fit, transform, save, load, identical predictions. */
class SparkpropClassifierTest extends MlSpark {
  @TempDir
  static Path dir;

  /** blobsCsv(n, seed) written once in dir and read by spark, with a features vector. */
  static Dataset<Row> blobs(SparkSession spark, Path dir, int n, long seed) throws IOException {
    Path p = dir.resolve("blobs-" + n + "-" + seed + ".csv");
    if (!Files.exists(p)) {
      Files.writeString(p, blobsCsv(n, seed));
    }
    Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(p.toString());
    return new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d"})
        .setOutputCol("features").transform(df);
  }

  /** Three Gaussian blobs in 4-D, n rows: columns a, b, c, d and label. */
  static String blobsCsv(int n, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder("a,b,c,d,label\n");
    double[][] centres = {{0, 0, 0, 0}, {3, 3, 0, -3}, {-3, 3, 3, 0}};
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      for (int f = 0; f < 4; f++) {
        b.append(String.format(Locale.ROOT, "%.4f,", 10 + 5 * (centres[c][f]
            + r.nextGaussian())));
      }
      b.append(c).append('\n');
    }
    return b.toString();
  }

  private Dataset<Row> read(String name, int n, long seed) throws IOException {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      Files.writeString(p, blobsCsv(n, seed));
    }
    return spark().read().option("header", "true").option("inferSchema", "true")
        .csv(p.toString());
  }

  private static Pipeline pipeline(SparkpropClassifier mlp) {
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(new String[] {"a", "b", "c", "d"}).setOutputCol("raw");
    StandardScaler scaler = new StandardScaler().setInputCol("raw").setOutputCol("features");
    return new Pipeline().setStages(new PipelineStage[] {assembler, scaler, mlp});
  }

  @Test
  void pipelineFitsSavesLoadsAndPredictsTheSame() throws IOException {
    Dataset<Row> train = read("train.csv", 600, 1);
    Dataset<Row> test = read("test.csv", 300, 2);
    SparkpropClassifier mlp = new SparkpropClassifier().setLayers(new int[] {4, 16, 3})
        .setEpochs(8).setBatch(32).setScaling("none").setPartitions(2).setLr(0.01);
    PipelineModel model = pipeline(mlp).fit(train);
    Dataset<Row> scored = model.transform(test);
    assertEquals(List.of("a", "b", "c", "d", "label", "raw", "features", "rawPrediction",
        "probability", "prediction"), List.of(scored.columns()));
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(scored);
    Assertions.assertTrue(accuracy > 0.95, "accuracy " + accuracy);

    String path = dir.resolve("pipeline").toUri().toString();
    model.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    Dataset<Row> again = loaded.transform(test);
    assertDataFrameApproximateEquals(scored, again, 0.0);
    SparkpropClassificationModel a = (SparkpropClassificationModel) model.stages()[2];
    SparkpropClassificationModel b = (SparkpropClassificationModel) loaded.stages()[2];
    assertEquals(a.uid(), b.uid());
    assertArrayEquals(a.layers(), b.layers());
    assertEquals(a.summary().toJson(), b.summary().toJson());
    assertEquals(8, b.summary().epochs().size());
    // The command line reads the model inside the saved stage.
    Path stage;
    try (var stages = Files.list(dir.resolve("pipeline/stages"))) {
      stage = stages.filter(p -> p.getFileName().toString().startsWith("2_")).findFirst()
          .orElseThrow();
    }
    CliRun inspect = CliRun.of("inspect", "--model", stage.toString());
    assertEquals(0, inspect.code(), inspect.toString());
    Assertions.assertTrue(inspect.out().contains("4-16-3"), inspect.out());
    Assertions.assertTrue(b.summary().trainingLoss()[7] < b.summary().trainingLoss()[0]);
  }
}
