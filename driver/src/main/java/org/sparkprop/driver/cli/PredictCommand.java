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

  @Option(names = "--mc-samples", paramLabel = "N", defaultValue = "0", description = "Monte "
      + "Carlo dropout: average N stochastic passes (dropout on, batch norm in evaluation "
      + "mode) and add each row's uncertainty: the predictive entropy (classes, labels) or the "
      + "variance (regression); after a tab in lines, an uncertainty column in Parquet. "
      + "0 = one plain pass (${DEFAULT-VALUE})")
  int mcSamples;

  @Option(names = "--seed", defaultValue = "42", description = "the Monte Carlo dropout masks' "
      + "seed (${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() throws Exception {
    Flags.atLeast("--mc-samples", mcSamples, 0);
    Evaluator.Mc mc = mcSamples == 0 ? null : new Evaluator.Mc(mcSamples, seed);
    apply.run("sparkprop predict", (sc, fs, m) -> {
      if (format == Format.PARQUET && fs.exists(output)) {
        throw new IllegalArgumentException(Fs.redact(output) + ": already exists (Parquet "
            + "predictions are not written over an existing folder)");
      }
      if (mc != null && m.spec().dropout() == 0) {
        System.err.println("sparkprop predict: the model has no dropout; every Monte Carlo "
            + "pass is the same and the uncertainty is that of one prediction");
      }
      ModelInput in = apply.input(sc, fs, m, null, false, "predict");
      long n;
      if (format == Format.LINES) {
        try (Evaluator.Predictions c = Evaluator.predictions(sc, in.blocks(), m.spec(),
            m.params(), m.state(), apply.threshold(m), mc)) {
          fs.write(output, c.lines());
          n = c.rows();
        }
      } else {
        n = PredictionsParquet.write(sc, in.blocks(), in.layout(), m.spec(), m.params(),
            m.state(), apply.threshold(m), mc, output);
      }
      System.out.printf(Locale.ROOT, "wrote %d predictions to %s%n", n, Fs.redact(output));
    });
    return 0;
  }
}
