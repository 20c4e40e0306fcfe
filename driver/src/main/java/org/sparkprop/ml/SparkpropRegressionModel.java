package org.sparkprop.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.trainer.io.Model;

/**
 * A trained sparkprop regressor: scores DataFrames on the executors in batches, keeping every
 * input column and adding {@code predictionCol}, a double for one output or a vector for
 * several. Saved and loaded as {@link SparkpropClassificationModel} is.
 */
public final class SparkpropRegressionModel
    extends RegressionModel<Vector, SparkpropRegressionModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Model model;
  private final TrainingSummary summary;
  private transient Single single;

  SparkpropRegressionModel(String uid, Model model, TrainingSummary summary) {
    this(Uids.stage(uid), model, summary, true);
  }

  private SparkpropRegressionModel(String uid, Model model, TrainingSummary summary,
      boolean staged) {
    super();
    this.uid = uid;
    Uids.done();
    this.model = model;
    this.summary = summary;
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.staged();
  }

  @Override
  public int numFeatures() {
    return model.spec().inputs();
  }

  /**
   * Real values predicted per row (the output layer's width).
   *
   * @return the outputs
   */
  public int numOutputs() {
    return model.spec().outputs();
  }

  /**
   * How the model was trained.
   *
   * @return the summary
   * @throws IllegalStateException when the model has none
   */
  public TrainingSummary summary() {
    if (summary == null) {
      throw new IllegalStateException(uid + " has no training summary");
    }
    return summary;
  }

  /**
   * Whether {@link #summary()} is available.
   *
   * @return true when it is
   */
  public boolean hasSummary() {
    return summary != null;
  }

  Model model() {
    return model;
  }

  /** One output's prediction; a model with several outputs is scored by transform. */
  @Override
  public double predict(Vector features) {
    if (numOutputs() != 1) {
      throw new UnsupportedOperationException(uid + " predicts " + numOutputs() + " values "
          + "per row: use transform (its prediction column is a vector)");
    }
    return single().outputs(features)[0];
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return numOutputs() == 1
        ? super.transformSchema(Schemas.checkFeatures(schema, getFeaturesCol()))
        : Schemas.add(Schemas.checkFeatures(schema, getFeaturesCol()), getPredictionCol(),
            true);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Scoring.Columns cols = new Scoring.Columns(null, null, getPredictionCol(), null,
        Scoring.Kind.VALUES, 0.5);
    return Scoring.transform(model, uid, dataset, getFeaturesCol(), cols, out);
  }

  @Override
  public SparkpropRegressionModel copy(ParamMap extra) {
    SparkpropRegressionModel c = new SparkpropRegressionModel(uid, model, summary);
    return copyValues(c, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return ModelStore.writer(this, model, summary);
  }

  /**
   * The reader of saved models.
   *
   * @return the reader
   */
  public static MLReader<SparkpropRegressionModel> read() {
    return ModelStore.reader(SparkpropRegressionModel.class, SparkpropRegressionModel::new);
  }

  /**
   * Loads a saved model.
   *
   * @param path a Hadoop URI
   * @return the model
   */
  public static SparkpropRegressionModel load(String path) {
    return read().load(path);
  }

  private Single single() {
    if (single == null) {
      single = new Single(model);
    }
    return single;
  }
}
