package org.sparkprop.ml;

import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.model.MlpSpec;
import scala.Tuple3;

/**
 * A trained sparkprop classifier: scores DataFrames on the executors in batches, keeping every
 * input column and adding {@code rawPredictionCol} (the output layer before its activation),
 * {@code probabilityCol} and {@code predictionCol} (see {@link Scoring} for how the three are
 * formed; an empty column name leaves that column out). Saved with {@code write().save(uri)} in
 * Spark ML's layout around sparkprop's model file ({@link ModelStore}), loaded with
 * {@link #load}; {@link #summary()} tells how it was trained.
 */
public final class SparkpropClassificationModel
    extends ProbabilisticClassificationModel<Vector, SparkpropClassificationModel>
    implements MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Model model;
  private final TrainingSummary summary;
  private transient Single single;

  SparkpropClassificationModel(String uid, Model model, TrainingSummary summary) {
    this(Uids.stage(uid), model, summary, true);
  }

  private SparkpropClassificationModel(String uid, Model model, TrainingSummary summary,
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
  public int numClasses() {
    return Fitting.classes(model.spec());
  }

  Model model() {
    return model;
  }

  @Override
  public int numFeatures() {
    return model.spec().inputs();
  }

  /**
   * The layer sizes, input first.
   *
   * @return a copy of the sizes
   */
  public int[] layers() {
    return model.spec().sizes().clone();
  }

  /**
   * The network as sparkprop describes it (e.g. {@code 784-512-256-10 relu softmax_ce}).
   *
   * @return the description
   */
  public String describe() {
    MlpSpec s = model.spec();
    return s.arch() + " " + s.hidden() + " " + s.loss();
  }

  /**
   * How the model was trained: per-epoch history, timings, communication share.
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

  /** Spark's summary lookup; javac needs it restated (two Scala supertypes declare it). */
  @Override
  @SuppressWarnings("rawtypes")
  public Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  @Override
  public Vector predictRaw(Vector features) {
    return new DenseVector(single().raw(features));
  }

  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    double[] p = single().probability(rawPrediction.toArray());
    double[] target = ((DenseVector) rawPrediction).values();
    System.arraycopy(p, 0, target, 0, p.length);
    return rawPrediction;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(Schemas.checkFeatures(dataset.schema(), getFeaturesCol()),
        true);
    double[] t = isDefined(thresholds()) ? getThresholds() : null;
    if (t != null && t.length != numClasses()) {
      throw new IllegalArgumentException(uid + ": thresholds has " + t.length + " values, the "
          + "model has " + numClasses() + " classes");
    }
    Scoring.Columns cols = new Scoring.Columns(getRawPredictionCol(), getProbabilityCol(),
        getPredictionCol(), t, Scoring.Kind.CLASSES, 0.5);
    return Scoring.transform(model, uid, dataset, getFeaturesCol(), cols, out);
  }

  @Override
  public SparkpropClassificationModel copy(ParamMap extra) {
    SparkpropClassificationModel c = new SparkpropClassificationModel(uid, model, summary);
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
  public static MLReader<SparkpropClassificationModel> read() {
    return ModelStore.reader(SparkpropClassificationModel.class, SparkpropClassificationModel::new);
  }

  /**
   * Loads a saved model.
   *
   * @param path a Hadoop URI
   * @return the model
   */
  public static SparkpropClassificationModel load(String path) {
    return read().load(path);
  }

  private Single single() {
    if (single == null) {
      single = new Single(model);
    }
    return single;
  }
}
