package org.sparkprop.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.cli.TrainSettings;
import org.sparkprop.driver.data.TableSource;
import org.sparkprop.driver.data.TrainingData;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.Targets;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * Training from a DataFrame, shared by the estimators: the stage's params become train's
 * flags ({@link TrainingParams#flags}), checked as train checks them; the executors read
 * the features and label columns into blocks, which are split, scaled and sharded as the
 * command line does for a table ({@link TrainingData#fromBlocks}); and the same distributed
 * trainer runs ({@link TrainSettings#fit}). Nothing per row comes to the driver.
 */
final class Fitting {
  private static final Logger LOG = LoggerFactory.getLogger(Fitting.class);

  private Fitting() {}

  /** What a fit gives: the model as saved, and its summary. */
  record Fitted(Model model, TrainingSummary summary) {}

  /** The checked settings of a stage, and its network. */
  record Settings(TrainSettings settings, MlpSpec spec) {}

  /**
   * The settings owner's params (and the extra flags of its own params) give for task,
   * checked (before any data is read); a problem is an IllegalArgumentException naming the
   * params.
   */
  static Settings settings(SparkpropParams<?> owner, Task task, List<String> extra) {
    List<String> flags = new ArrayList<>(List.of("--task", task.toString()));
    flags.addAll(owner.trainingParams().flags(owner));
    flags.addAll(extra);
    try {
      TrainSettings s = TrainSettings.parse(flags);
      MlpSpec spec = s.spec();
      s.check(spec);
      return new Settings(s, spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(owner.uid() + ": " + TrainingParams.rename(
          e.getMessage()), e);
    }
  }

  /** Classes of a classifier's output layer: one per output, two for a single output. */
  static int classes(MlpSpec spec) {
    return spec.outputs() == 1 ? 2 : spec.outputs();
  }

  /** Whether the schema's column holds several values per row (a vector or numeric array). */
  static boolean vectorColumn(StructType schema, String col) {
    if (!List.of(schema.fieldNames()).contains(col)) {
      return false;
    }
    DataType t = schema.apply(col).dataType();
    return SQLDataTypes.VectorType().equals(t) || t instanceof ArrayType a
        && a.elementType() instanceof NumericType;
  }

  /**
   * Trains owner's network for task on df's featuresCol (a vector or array column) and
   * labelCol (a number, or a vector of targets), with extra flags (owner's own params).
   */
  static Fitted fit(SparkpropParams<?> owner, Task task, Dataset<?> ds, String featuresCol,
      String labelCol, List<String> extra) {
    long t0 = System.nanoTime();
    Settings s = settings(owner, task, extra);
    MlpSpec spec = s.spec();
    Targets targets = Targets.of(task, spec.outputs(), classes(spec));
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(ds.sparkSession().sparkContext());
    Fs fs = new Fs(sc.hadoopConfiguration());
    Dataset<Row> df = ds.toDF();
    String name = owner.uid() + ": the training data";
    try {
      int parts = s.settings().partitions(sc);
      TrainingData data = TrainingData.fromBlocks(() -> TableSource.blocks(df, name, true,
          featuresCol, labelCol, targets), name, s.settings().preparation(spec, targets,
              parts));
      TrainSettings.Fitted f = s.settings().fit(sc, fs, spec, data, parts, t0, LOG::info,
          (cfg, opts) -> { });
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("config", f.configJson());
      meta.put("task", spec.task().toString());
      meta.put("format", "sparkprop model v" + ModelCodec.VERSION);
      meta.put("trained_by", owner.getClass().getName());
      Model model = new Model(spec, data.scaling(), f.result().params(), f.result().state(),
          meta);
      return new Fitted(model, TrainingSummary.of(f, data));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(TrainingParams.rename(e.getMessage()), e);
    } catch (Exception e) {
      // Spark's job failures (SparkException) are checked exceptions Scala throws undeclared.
      IllegalArgumentException bad = badInput(e);
      if (bad != null) {
        throw new IllegalArgumentException(TrainingParams.rename(bad.getMessage()), e);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(owner.uid()
          + ": training failed: " + Fs.rootMessage(e), e);
    }
  }

  /** The bad-input error an executor raised inside a Spark job failure, or null. */
  static IllegalArgumentException badInput(Throwable t) {
    if (!(t instanceof SparkException)) {
      return null;
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof IllegalArgumentException i) {
        return i;
      }
    }
    return null;
  }
}
