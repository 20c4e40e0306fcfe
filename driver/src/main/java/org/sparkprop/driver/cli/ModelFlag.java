package org.sparkprop.driver.cli;

import java.io.IOException;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import picocli.CommandLine.Option;

/** The --model flag of the commands that apply a saved model. */
final class ModelFlag {
  @Option(names = "--model", required = true, paramLabel = "URI", description = "a model "
      + "file, or a published train output folder")
  String model;

  /** Reads and checks the model the flag names. */
  Model load(Fs fs) throws IOException {
    String file = fs.modelFile(model);
    return ModelCodec.decode(fs.readAll(file), Fs.redact(file));
  }
}
