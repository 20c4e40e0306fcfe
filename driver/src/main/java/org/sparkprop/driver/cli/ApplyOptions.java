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

  @Mixin TableOptions table = new TableOptions();

  @Mixin SparkOptions spark = new SparkOptions();

  /** What a command does once Spark runs and the model is loaded. */
  interface Job {
    void run(JavaSparkContext sc, Fs fs, Model m) throws Exception;
  }

  /** Checks the flags, starts Spark as app, loads the model, runs job. */
  void run(String app, Job job) throws Exception {
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
