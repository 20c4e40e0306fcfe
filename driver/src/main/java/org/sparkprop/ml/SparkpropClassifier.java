package org.sparkprop.ml;

import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.trainer.loss.Task;

/**
 * A feed-forward network classifier trained by sparkprop's distributed trainer: a Spark ML
 * probabilistic classifier for Pipelines, CrossValidator and TrainValidationSplit.
 *
 * <p>Input: {@code featuresCol}, a vector column (dense or sparse) as wide as the first of
 * {@code layers}; {@code labelCol}, a number, the class index in [0, K) where K is the last of
 * {@code layers} (2 for one sigmoid output). {@code fit} reads both on the executors (nothing
 * per row reaches the driver), holds out {@code valFraction} for validation, shards the rest
 * over {@code partitions} workers and trains as {@code sparkprop train} does with the same
 * params (see {@link SparkpropParams}; the defaults are the command line's). The model adds
 * {@code rawPredictionCol}, {@code probabilityCol} and {@code predictionCol}.
 *
 * <pre>{@code
 * SparkpropClassifier mlp = new SparkpropClassifier()
 *     .setLayers(new int[] {784, 256, 10}).setEpochs(10).setScaling("none");
 * SparkpropClassificationModel model = mlp.fit(train);
 * model.transform(test).select("prediction", "probability").show();
 * }</pre>
 *
 * <p>Bad input fails before training, naming the column, param or row: a features column
 * that is not a vector, a label that is not a number or outside [0, K), a vector of the wrong
 * size, params that do not fit together.
 */
public final class SparkpropClassifier
    extends ProbabilisticClassifier<Vector, SparkpropClassifier, SparkpropClassificationModel>
    implements SparkpropParams<SparkpropClassifier>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final TrainingParams params;

  /** A classifier with the command line's defaults and a random uid. */
  public SparkpropClassifier() {
    this(Uids.random("sparkpropClassifier"));
  }

  /**
   * A classifier with the command line's defaults.
   *
   * @param uid the stage's uid
   */
  public SparkpropClassifier(String uid) {
    this(Uids.stage(uid), true);
  }

  private SparkpropClassifier(String uid, boolean staged) {
    super();
    this.uid = uid;
    Uids.done();
    this.params = new TrainingParams(this, Task.CLASSIFICATION.toString());
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
    StructType out = super.transformSchema(Schemas.checkFeatures(schema, getFeaturesCol()));
    Fitting.settings(this, Task.CLASSIFICATION, List.of());
    return out;
  }

  @Override
  public SparkpropClassificationModel train(Dataset<?> dataset) {
    Fitting.Fitted f = Fitting.fit(this, Task.CLASSIFICATION, dataset, getFeaturesCol(),
        getLabelCol(), List.of());
    return new SparkpropClassificationModel(Uids.random("sparkpropClassificationModel"),
        f.model(), f.summary());
  }

  @Override
  public SparkpropClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /**
   * The reader of saved classifiers (Spark ML's params layout).
   *
   * @return the reader
   */
  public static MLReader<SparkpropClassifier> read() {
    return new DefaultParamsReadable<SparkpropClassifier>() { }.read();
  }

  /**
   * Loads a saved classifier.
   *
   * @param path a Hadoop URI
   * @return the classifier
   */
  public static SparkpropClassifier load(String path) {
    return read().load(path);
  }
}
