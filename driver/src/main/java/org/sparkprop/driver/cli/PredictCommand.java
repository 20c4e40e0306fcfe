package org.sparkprop.driver.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparkprop.driver.data.ModelInput;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.output.PredictionsParquet;
import org.sparkprop.driver.store.Fs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkprop predict}: batch prediction on Spark. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Batch prediction on Spark: one prediction per line in input order (a class, "
        + "the course format; regression: the values, comma-separated; multilabel: the "
        + "predicted labels' indices, comma-separated), or Parquet with the probabilities, "
        + "written by the executors.")
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

  @Mixin ApplyOptions apply = new ApplyOptions();

  @Option(names = "--output", required = true, paramLabel = "URI", description = "a file "
      + "(lines) or a folder that does not exist yet (parquet)")
  String output;

  @Option(names = "--format", defaultValue = "lines", description = "lines: one prediction "
      + "per line; parquet: a Parquet folder with row, prediction (multilabel: labels) and "
      + "probabilities (${DEFAULT-VALUE})")
  Format format;

  @Override
  public Integer call() throws Exception {
    apply.run("sparkprop predict", (sc, fs, m) -> {
      if (format == Format.PARQUET && fs.exists(output)) {
        throw new IllegalArgumentException(Fs.redact(output) + ": already exists (Parquet "
            + "predictions are not written over an existing folder)");
      }
      ModelInput in = apply.input(sc, fs, m, null, false, "predict");
      long n;
      if (format == Format.LINES) {
        try (Evaluator.Predictions c = Evaluator.predictions(sc, in.blocks(), m.spec(),
            m.params(), m.state(), apply.threshold(m))) {
          fs.write(output, c.lines());
          n = c.rows();
        }
      } else {
        n = PredictionsParquet.write(sc, in.blocks(), in.layout(), m.spec(), m.params(),
            m.state(), apply.threshold(m), output);
      }
      System.out.printf(Locale.ROOT, "wrote %d predictions to %s%n", n, Fs.redact(output));
    });
    return 0;
  }
}
