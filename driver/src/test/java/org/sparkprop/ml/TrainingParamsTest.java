package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.cli.TrainSettings;

/**
 * The params and train's flags cannot drift apart: every settings flag has its param, the
 * defaults are the flags', Spark's reflection finds every param, and a set param becomes its
 * flag again.
 */
class TrainingParamsTest {
  /** train's flags that are not training params: data, the task (the estimator's), Spark. */
  private static final Set<String> NOT_PARAMS = Set.of("--fashion-mnist", "--train-features",
      "--train-labels", "--test-features", "--test-labels", "--classes", "--num-features",
      "--class-names", "--input-format", "--features-col", "--label-col", "--task", "--threshold",
      "--master", "--conf");

  @Test
  void everyTrainingFlagHasAParam() {
    Set<String> flags = new TreeSet<>(TrainSettings.flags().keySet());
    flags.removeAll(NOT_PARAMS);
    Set<String> params = new TreeSet<>();
    TrainingParams.DEFS.forEach(d -> params.add(d.flag()));
    assertEquals(flags, params);
  }

  @Test
  void sparkFindsEveryParamWithTheFlagsDefaults() {
    SparkpropClassifier mlp = new SparkpropClassifier();
    Set<String> names = new TreeSet<>();
    for (Param<?> p : mlp.params()) {
      names.add(p.name());
    }
    TrainingParams.DEFS.forEach(d -> assertTrue(names.contains(d.name()), d.name()));
    assertArrayEquals(new int[] {784, 512, 256, 10}, mlp.getLayers());
    assertEquals(0.001, mlp.getLr(), 1e-12);
    assertEquals("adamw", mlp.getOptimizer());
    assertEquals(20, mlp.getEpochs());
    assertEquals(128, mlp.getBatch());
    assertEquals(true, mlp.getBatchNorm());
    assertEquals(false, mlp.getFullBatch());
    assertEquals(42L, mlp.getSeed());
    assertEquals("ring", mlp.getExchange());
    assertEquals("scale255", mlp.getScaling());
    assertEquals("", mlp.getCheckpointDir());
    assertTrue(mlp.explainParam(mlp.lr()).contains("learning rate (0.001) [--lr]"),
        mlp.explainParam(mlp.lr()));
  }

  @Test
  void setParamsBecomeTheirFlags() {
    SparkpropRegressor r = new SparkpropRegressor().setLayers(new int[] {3, 8, 2})
        .setBatchNorm(false).setFullBatch(true).setWeightDecay(0.05).setSeed(7);
    assertEquals(List.of("--arch", "3-8-2", "--no-batch-norm", "--weight-decay", "0.05",
        "--full-batch", "--seed", "7"), r.trainingParams().flags(r));
  }

  @Test
  void messagesNameParamsInsteadOfFlags() {
    assertEquals("weightDecay has no effect with optimizer sgd; l2 is coupled",
        TrainingParams.rename("--weight-decay has no effect with --optimizer sgd; --l2 is "
            + "coupled"));
    assertEquals("layers 4-8-3 and batchNorm = false, --out stays",
        TrainingParams.rename("--arch 4-8-3 and --no-batch-norm, --out stays"));
  }
}
