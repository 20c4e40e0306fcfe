package org.sparkprop.driver.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.sparkprop.driver.store.Fs;
import picocli.CommandLine.Option;

/** Where train publishes its outputs. */
final class OutputOptions {
  @Option(names = "--out", required = true, paramLabel = "URI", description = "output folder; "
      + "published by a _SUCCESS file written after everything else")
  String out;

  @Option(names = "--export", paramLabel = "URI", description = "also publish the outputs "
      + "here, e.g. hdfs:// or s3a:// (repeatable); checked writable before training")
  List<String> exports = new ArrayList<>();

  @Option(names = "--train-predictions", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "write train_predictions.csv, one prediction per "
      + "training row (another pass over the input; --no-train-predictions skips it for large "
      + "data) (${DEFAULT-VALUE})")
  boolean trainPredictions;

  /** --out, then every --export. */
  List<String> destinations() {
    List<String> all = new ArrayList<>();
    all.add(out);
    all.addAll(exports);
    return all;
  }

  /** Fails now, naming the folder, when a destination cannot be written. */
  void checkWritable(Fs fs) throws IOException {
    for (String d : destinations()) {
      fs.checkWritable(d);
    }
  }
}
