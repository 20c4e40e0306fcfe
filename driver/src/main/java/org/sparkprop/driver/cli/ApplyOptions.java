package org.sparkprop.driver.cli;

import java.io.IOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.ModelInput;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of the commands that apply a saved model (evaluate, predict), and their start. */
final class ApplyOptions {
  @Option(names = "--model", required = true, paramLabel = "URI", description = "a model "
      + "file, or a published train output folder")
  String model;

  @Option(names = "--features", required = true, paramLabel = "URI", description = "IDX "
      + "images, a course *_vectors.csv file, LibSVM, or a Parquet/CSV table")
  String features;

  @Option(names = "--threshold", paramLabel = "P", description = "multilabel: a label is "
      + "predicted where its probability reaches P (default: the threshold the model was "
      + "trained with, else 0.5)")
  Double threshold;

  @Mixin TableOptions table = new TableOptions();

  @Mixin SparkOptions spark = new SparkOptions();

  /** What a command does once Spark runs and the model is loaded. */
  interface Job {
    void run(JavaSparkContext sc, Fs fs, Model m) throws Exception;
  }

  /** The decision threshold for m: --threshold, else the one m was trained with, else 0.5. */
  float threshold(Model m) {
    if (threshold != null) {
      return threshold.floatValue();
    }
    return Float.parseFloat(m.metadata().getOrDefault("threshold", "0.5"));
  }

  /** Checks the flags, starts Spark as app, loads the model, runs job. */
  void run(String app, Job job) throws Exception {
    if (threshold != null && !(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("--threshold must be in (0, 1), got " + threshold);
    }
    spark.check();
    try (JavaSparkContext sc = spark.start(app)) {
      Fs fs = new Fs(sc.hadoopConfiguration());
      String file = fs.modelFile(model);
      job.run(sc, fs, ModelCodec.decode(fs.readAll(file), Fs.redact(file)));
    }
  }

  /** The --features input for m (labelled: with labels, null for LibSVM and tables). */
  ModelInput input(JavaSparkContext sc, Fs fs, Model m, String labels, boolean labelled,
      String what) throws IOException {
    return ModelInput.read(sc, fs, m, features, labels, labelled, table.format,
        table.featuresCol, table.labelCol, spark.partitions(sc), what);
  }
}
