package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tuning over sparkprop params: CrossValidator (2 folds) and TrainValidationSplit over a grid
 * of two params pick the setting that learns (many epochs at a useful learning rate) over
 * those that cannot (one epoch, or a learning rate of 1e-6), and the estimator's params
 * survive a save and load.
 */
class SparkpropTuningTest extends MlSpark {
  @TempDir
  static Path dir;

  private Dataset<Row> blobs() throws IOException {
    return blobs(dir, 450, 3);
  }


  private static SparkpropClassifier mlp() {
    return new SparkpropClassifier().setLayers(new int[] {4, 16, 3}).setBatch(32)
        .setScaling("standardize").setPartitions(2);
  }

  @Test
  void crossValidatorPicksTheSettingThatLearns() throws IOException {
    SparkpropClassifier mlp = mlp();
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(mlp.epochs(), new int[] {1, 6})
        .addGrid(mlp.lr(), new double[] {1e-6, 0.02})
        .build();
    CrossValidatorModel cv = new CrossValidator().setEstimator(mlp).setEstimatorParamMaps(grid)
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
        .setNumFolds(2).setSeed(7).fit(blobs());
    SparkpropClassificationModel best = (SparkpropClassificationModel) cv.bestModel();
    assertEquals(6, best.summary().epochs().size());
    assertEquals(0.02, ((Number) best.summary().config().get("lr")).doubleValue(), 1e-9);
    double[] m = cv.avgMetrics();
    int bestIndex = 0;
    for (int i = 1; i < m.length; i++) {
      bestIndex = m[i] > m[bestIndex] ? i : bestIndex;
    }
    assertEquals(6, grid[bestIndex].apply(mlp.epochs()));
    Assertions.assertTrue(m[bestIndex] > 0.9, "best fold accuracy " + m[bestIndex]);
  }

  @Test
  void trainValidationSplitPicksTheSettingThatLearns() throws IOException {
    SparkpropClassifier mlp = mlp();
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(mlp.epochs(), new int[] {1, 6})
        .addGrid(mlp.lr(), new double[] {1e-6, 0.02})
        .build();
    TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(mlp)
        .setEstimatorParamMaps(grid).setTrainRatio(0.7).setSeed(7)
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
        .fit(blobs());
    SparkpropClassificationModel best = (SparkpropClassificationModel) tvs.bestModel();
    assertEquals(6, best.summary().epochs().size());
    assertEquals(0.02, ((Number) best.summary().config().get("lr")).doubleValue(), 1e-9);
  }

  @Test
  void theEstimatorAndAnUnfittedPipelineSaveAndLoadTheirParams() throws IOException {
    SparkpropClassifier mlp = mlp().setEpochs(3).setOptimizer("momentum").setMomentum(0.8)
        .setActivation("tanh").setLabelCol("y");
    String path = dir.resolve("estimator").toUri().toString();
    mlp.write().overwrite().save(path);
    SparkpropClassifier back = SparkpropClassifier.load(path);
    assertEquals(mlp.uid(), back.uid());
    assertEquals(3, back.getEpochs());
    assertEquals("momentum", back.getOptimizer());
    assertEquals(0.8, back.getMomentum(), 1e-12);
    assertEquals("tanh", back.getActivation());
    assertEquals("y", back.getLabelCol());
    assertEquals(mlp.trainingParams().flags(mlp), back.trainingParams().flags(back));

    String pp = dir.resolve("unfitted").toUri().toString();
    new Pipeline().setStages(new PipelineStage[] {mlp}).write().overwrite().save(pp);
    SparkpropClassifier inside = (SparkpropClassifier) Pipeline.load(pp).getStages()[0];
    assertEquals(mlp.trainingParams().flags(mlp), inside.trainingParams().flags(inside));

    Dataset<Row> df = blobs().withColumnRenamed("label", "y");
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {back}).fit(df);
    Assertions.assertTrue(fitted.stages()[0] instanceof SparkpropClassificationModel);
  }
}
