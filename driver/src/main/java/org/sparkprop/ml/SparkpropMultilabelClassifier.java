package org.sparkprop.ml;

import java.util.List;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.trainer.loss.Task;

/**
 * A feed-forward network for multi-label classification (a set of labels per row, one sigmoid
 * output each), trained by sparkprop's distributed trainer ({@code sparkprop train --task
 * multilabel}). {@code labelCol} is a vector (or array of numbers) of 0/1 flags as wide as the
 * output layer; the model adds {@code probabilityCol} (each label's probability) and
 * {@code predictionCol} (1 where it reaches {@code threshold}, else 0), both vectors. The loss
 * defaults to sigmoid cross-entropy; the other params are {@link SparkpropParams}.
 */
public final class SparkpropMultilabelClassifier
    extends Predictor<Vector, SparkpropMultilabelClassifier, SparkpropMultilabelModel>
    implements SparkpropParams<SparkpropMultilabelClassifier>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final TrainingParams params;
  private final DoubleParam threshold;
  private final Param<String> probabilityCol;

  /** A multi-label classifier with the command line's defaults and a random uid. */
  public SparkpropMultilabelClassifier() {
    this(Uids.random("sparkpropMultilabelClassifier"));
  }

  /**
   * A multi-label classifier with the command line's defaults.
   *
   * @param uid the stage's uid
   */
  public SparkpropMultilabelClassifier(String uid) {
    this(Uids.stage(uid), true);
  }

  private SparkpropMultilabelClassifier(String uid, boolean staged) {
    super();
    this.uid = uid;
    Uids.done();
    this.params = new TrainingParams(this, Task.MULTILABEL.toString());
    this.threshold = thresholdParam(this.uid);
    this.probabilityCol = new Param<>(this.uid, "probabilityCol", "column of each label's "
        + "probability (a vector)");
    setDefault(threshold, 0.5);
    setDefault(probabilityCol, "probability");
  }

  /** The decision threshold param (shared with the model). */
  static DoubleParam thresholdParam(String uid) {
    return new DoubleParam(uid, "threshold", "a label is predicted where its probability "
        + "reaches this; also the validation measures' threshold (0.5) [--threshold]",
        ParamValidators.inRange(0, 1, false, false));
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.staged();
  }

  @Override
  public TrainingParams trainingParams() {
    return params;
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
   * The decision threshold.
   *
   * @return the value
   */
  public double getThreshold() {
    return (Double) $(threshold);
  }

  /**
   * Sets the decision threshold.
   *
   * @param value in (0, 1)
   * @return this
   */
  public SparkpropMultilabelClassifier setThreshold(double value) {
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
   * Sets the probability column ("" leaves it out).
   *
   * @param value the name
   * @return this
   */
  public SparkpropMultilabelClassifier setProbabilityCol(String value) {
    set(probabilityCol, value);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Schemas.checkFeatures(schema, getFeaturesCol());
    if (!Fitting.vectorColumn(schema, getLabelCol())) {
      throw new IllegalArgumentException("requirement failed: Column " + getLabelCol()
          + " must hold a vector or array of 0/1 label flags" + (List.of(schema.fieldNames())
              .contains(getLabelCol()) ? " but was actually "
              + schema.apply(getLabelCol()).dataType().catalogString() : ", and is missing")
          + ".");
    }
    Fitting.settings(this, Task.MULTILABEL, flags());
    return Schemas.add(Schemas.add(schema, $(probabilityCol), true), getPredictionCol(), true);
  }

  private List<String> flags() {
    return List.of("--threshold", Double.toString(getThreshold()));
  }

  @Override
  public SparkpropMultilabelModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    return copyValues(train(dataset).setParent(this), ParamMap.empty());
  }

  @Override
  public SparkpropMultilabelModel train(Dataset<?> dataset) {
    Fitting.Fitted f = Fitting.fit(this, Task.MULTILABEL, dataset, getFeaturesCol(),
        getLabelCol(), flags());
    return new SparkpropMultilabelModel(Uids.random("sparkpropMultilabelModel"), f.model(),
        f.summary());
  }

  @Override
  public SparkpropMultilabelClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /**
   * The reader of saved multi-label classifiers.
   *
   * @return the reader
   */
  public static MLReader<SparkpropMultilabelClassifier> read() {
    return new DefaultParamsReadable<SparkpropMultilabelClassifier>() { }.read();
  }

  /**
   * Loads a saved multi-label classifier.
   *
   * @param path a Hadoop URI
   * @return the estimator
   */
  public static SparkpropMultilabelClassifier load(String path) {
    return read().load(path);
  }
}
