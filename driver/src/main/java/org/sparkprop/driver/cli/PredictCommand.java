package org.sparkprop.driver.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.ModelInput;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.output.PredictionsParquet;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.io.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkprop predict}: batch prediction on Spark. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Batch prediction on Spark: one predicted class per line in input order "
        + "(the course format), or Parquet with the probabilities, written by the executors.")
public final class PredictCommand implements Callable<Integer> {
  /** What predict writes. */
  public enum Format {
    /** One class per line, in input order. */
    LINES,
    /** A Parquet folder with row, prediction and probabilities, written by the executors. */
    PARQUET;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Mixin ModelFlag model = new ModelFlag();

  @Option(names = "--features", required = true, paramLabel = "URI",
      description = "IDX images, a *_vectors.csv file, LibSVM, or a Parquet/CSV table")
  String features;

  @Option(names = "--output", required = true, paramLabel = "URI") String output;

  @Option(names = "--format", defaultValue = "lines", description = "lines: one class per "
      + "line; parquet: a Parquet folder with row, prediction, probabilities (${DEFAULT-VALUE})")
  Format format;

  @Mixin TableOptions table = new TableOptions();

  @Mixin SparkOptions spark = new SparkOptions();

  @Override
  public Integer call() throws Exception {
    spark.check();
    try (JavaSparkContext sc = spark.start("sparkprop predict")) {
      Fs fs = new Fs(sc.hadoopConfiguration());
      Model m = model.load(fs);
      if (format == Format.PARQUET && fs.exists(output)) {
        throw new IllegalArgumentException(Fs.redact(output) + ": already exists (Parquet "
            + "predictions are not written over an existing folder)");
      }
      ModelInput in = ModelInput.read(sc, fs, m, features, null, false, table.format,
          table.featuresCol, table.labelCol, spark.partitions(sc), "predict");
      long n;
      if (format == Format.LINES) {
        try (Evaluator.Classes c = Evaluator.classes(sc, in.blocks(), m.spec(), m.params(),
            m.state())) {
          fs.write(output, c.lines());
          n = c.rows();
        }
      } else {
        n = PredictionsParquet.write(sc, in.blocks(), in.layout(), m.spec(), m.params(),
            m.state(), output);
      }
      System.out.printf(Locale.ROOT, "wrote %d predictions to %s%n", n, Fs.redact(output));
    }
    return 0;
  }
}
