package org.sparkprop.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
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

  /**
   * schema checked (features a vector) with the prediction column added: a double, or a
   * vector for several outputs.
   */
  static StructType checkedSchema(StructType schema, String featuresCol, String predictionCol,
      boolean vector) {
    List<String> names = List.of(schema.fieldNames());
    if (!names.contains(featuresCol)) {
      throw new IllegalArgumentException(featuresCol + " does not exist. Available: "
          + String.join(", ", names));
    }
    if (!SQLDataTypes.VectorType().equals(schema.apply(featuresCol).dataType())) {
      throw new IllegalArgumentException("requirement failed: Column " + featuresCol
          + " must be of type " + SQLDataTypes.VectorType().catalogString() + " but was "
          + "actually " + schema.apply(featuresCol).dataType().catalogString() + ".");
    }
    if (!Scoring.on(predictionCol)) {
      return schema;
    }
    if (names.contains(predictionCol)) {
      throw new IllegalArgumentException("requirement failed: Column " + predictionCol
          + " already exists.");
    }
    return schema.add(new StructField(predictionCol, vector ? SQLDataTypes.VectorType()
        : DataTypes.DoubleType, false, Metadata.empty()));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return numOutputs() == 1 ? super.transformSchema(schema)
        : checkedSchema(schema, getFeaturesCol(), getPredictionCol(), true);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Scoring.Columns cols = new Scoring.Columns(null, null, getPredictionCol(), null, false);
    return Scoring.transform(model, uid, dataset, getFeaturesCol(), cols,
        Columns.added(dataset.schema(), out, cols));
  }

  @Override
  public SparkpropRegressionModel copy(ParamMap extra) {
    SparkpropRegressionModel c = new SparkpropRegressionModel(uid, model, summary);
    return copyValues(c, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    SparkpropRegressionModel self = this;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        try {
          ModelStore.save(path, self, model, summary, sparkSession());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /**
   * The reader of saved models.
   *
   * @return the reader
   */
  public static MLReader<SparkpropRegressionModel> read() {
    return new MLReader<>() {
      @Override
      public SparkpropRegressionModel load(String path) {
        try {
          ModelStore.Loaded l = ModelStore.load(path, SparkpropRegressionModel.class,
              sparkSession());
          return ModelStore.setParams(new SparkpropRegressionModel(l.uid(), l.model(),
              l.summary()), l.paramMap());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
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
