package org.sparkprop.ml;

import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.trainer.io.Model;

/**
 * A trained sparkprop multi-label classifier: scores DataFrames on the executors in batches,
 * keeping every input column and adding {@code probabilityCol} (each label's probability) and
 * {@code predictionCol} (1 where the probability reaches {@code threshold}, else 0), both
 * vectors as wide as the output layer. Saved and loaded as {@link SparkpropClassificationModel}
 * is.
 */
public final class SparkpropMultilabelModel
    extends PredictionModel<Vector, SparkpropMultilabelModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Model model;
  private final TrainingSummary summary;
  private final DoubleParam threshold;
  private final Param<String> probabilityCol;

  SparkpropMultilabelModel(String uid, Model model, TrainingSummary summary) {
    this(Uids.stage(uid), model, summary, true);
  }

  private SparkpropMultilabelModel(String uid, Model model, TrainingSummary summary,
      boolean staged) {
    super();
    this.uid = uid;
    Uids.done();
    this.model = model;
    this.summary = summary;
    this.threshold = SparkpropMultilabelClassifier.thresholdParam(uid);
    this.probabilityCol = new Param<>(uid, "probabilityCol", "column of each label's "
        + "probability (a vector)");
    setDefault(threshold, 0.5);
    setDefault(probabilityCol, "probability");
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
   * Labels per row (the output layer's width).
   *
   * @return the labels
   */
  public int numLabels() {
    return model.spec().outputs();
  }

  /**
   * The decision threshold param.
   *
   * @return the param
   */
  public DoubleParam threshold() {
    return threshold;
  }

  /**
   * Sets the decision threshold.
   *
   * @param value in (0, 1)
   * @return this
   */
  public SparkpropMultilabelModel setThreshold(double value) {
    set(threshold, value);
    return this;
  }

  /**
   * The column of each label's probability.
   *
   * @return the param
   */
  public Param<String> probabilityCol() {
    return probabilityCol;
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

  Model model() {
    return model;
  }

  /** Not defined for a set of labels: transform predicts them as a vector. */
  @Override
  public double predict(Vector features) {
    throw new UnsupportedOperationException(uid + " predicts a set of labels per row: use "
        + "transform (its prediction column is a vector of 0/1 flags)");
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return Schemas.add(Schemas.add(Schemas.checkFeatures(schema, getFeaturesCol()),
        $(probabilityCol), true), getPredictionCol(), true);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Scoring.Columns cols = new Scoring.Columns(null, $(probabilityCol), getPredictionCol(),
        null, Scoring.Kind.LABELS, (Double) $(threshold));
    return Scoring.transform(model, uid, dataset, getFeaturesCol(), cols, out);
  }

  @Override
  public SparkpropMultilabelModel copy(ParamMap extra) {
    SparkpropMultilabelModel c = new SparkpropMultilabelModel(uid, model, summary);
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
  public static MLReader<SparkpropMultilabelModel> read() {
    return ModelStore.reader(SparkpropMultilabelModel.class, SparkpropMultilabelModel::new);
  }

  /**
   * Loads a saved model.
   *
   * @param path a Hadoop URI
   * @return the model
   */
  public static SparkpropMultilabelModel load(String path) {
    return read().load(path);
  }
}
