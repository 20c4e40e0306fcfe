package org.sparkprop.ml;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.trainer.loss.Task;

/**
 * A feed-forward network regressor trained by sparkprop's distributed trainer, for one or
 * several real outputs (the last of {@code layers}). {@code labelCol} is a number for one
 * output, or a vector (or array of numbers) as wide as the output layer for several; the model's
 * {@code predictionCol} is then a double, or a vector. The loss defaults to squared error (as
 * {@code sparkprop train --task regression}); everything else is as {@link SparkpropClassifier}
 * (params: {@link SparkpropParams}).
 */
public final class SparkpropRegressor
    extends Regressor<Vector, SparkpropRegressor, SparkpropRegressionModel>
    implements SparkpropParams<SparkpropRegressor>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final TrainingParams params;

  /** A regressor with the command line's defaults and a random uid. */
  public SparkpropRegressor() {
    this(Uids.random("sparkpropRegressor"));
  }

  /**
   * A regressor with the command line's defaults.
   *
   * @param uid the stage's uid
   */
  public SparkpropRegressor(String uid) {
    this(Uids.stage(uid), true);
  }

  private SparkpropRegressor(String uid, boolean staged) {
    super();
    this.uid = uid;
    Uids.done();
    this.params = new TrainingParams(this, Task.REGRESSION.toString());
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.staged();
  }

  @Override
  public TrainingParams trainingParams() {
    return params;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = Fitting.vectorColumn(schema, getLabelCol())
        ? Schemas.add(Schemas.checkFeatures(schema, getFeaturesCol()), getPredictionCol(), true)
        : super.transformSchema(Schemas.checkFeatures(schema, getFeaturesCol()));
    Fitting.settings(this, Task.REGRESSION, List.of());
    return out;
  }

  @Override
  public SparkpropRegressionModel fit(Dataset<?> dataset) {
    if (!Fitting.vectorColumn(dataset.schema(), getLabelCol())) {
      return super.fit(dataset);
    }
    transformSchema(dataset.schema());
    return copyValues(train(dataset).setParent(this), ParamMap.empty());
  }

  @Override
  public SparkpropRegressionModel train(Dataset<?> dataset) {
    Fitting.Fitted f = Fitting.fit(this, Task.REGRESSION, dataset, getFeaturesCol(),
        getLabelCol(), List.of());
    return new SparkpropRegressionModel(Uids.random("sparkpropRegressionModel"), f.model(),
        f.summary());
  }

  @Override
  public SparkpropRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /**
   * The reader of saved regressors.
   *
   * @return the reader
   */
  public static MLReader<SparkpropRegressor> read() {
    return new DefaultParamsReadable<SparkpropRegressor>() { }.read();
  }

  /**
   * Loads a saved regressor.
   *
   * @param path a Hadoop URI
   * @return the regressor
   */
  public static SparkpropRegressor load(String path) {
    return read().load(path);
  }
}
