package org.sparkprop.driver.cli;

import java.util.List;
import org.sparkprop.trainer.data.Scaling;
import picocli.CommandLine.Option;

/** The training loop: epochs, batch, early stopping, validation split, scaling, seed. */
final class EpochOptions {
  @Option(names = "--epochs", defaultValue = "20", description = "passes over the training "
      + "data (${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--batch", defaultValue = "128", description = "rows per worker per step; "
      + "the global batch is --batch × --partitions (${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--full-batch", description = "full-batch gradient descent: one step per "
      + "epoch over every training row, each worker its whole shard (shards may differ by a "
      + "row); sets the batch to the largest shard")
  boolean fullBatch;

  @Option(names = "--patience", defaultValue = "0", description = "early stopping patience "
      + "in epochs on validation loss; 0 = off")
  int patience;

  @Option(names = "--val-fraction", defaultValue = "0.1", description = "validation split "
      + "carved from the training data (${DEFAULT-VALUE})")
  double valFraction;

  @Option(names = "--scaling", defaultValue = "scale255", description = "scale255 "
      + "(pixels to [0, 1]), standardize, none (${DEFAULT-VALUE})")
  Scaling scaling;

  @Option(names = "--seed", defaultValue = "42", description = "every random stream derives "
      + "from it (${DEFAULT-VALUE})")
  long seed;

  /** The flags whose values {@link #checkValue} checks on their own. */
  static final List<String> VALUE_FLAGS = List.of("--epochs", "--batch", "--patience",
      "--val-fraction");

  /** Checks one flag's value on its own, naming the flag. */
  void checkValue(String flag) {
    switch (flag) {
      case "--epochs" -> Flags.atLeast(flag, epochs, 1);
      case "--batch" -> Flags.atLeast(flag, batch, 1);
      case "--patience" -> Flags.atLeast(flag, patience, 0);
      case "--val-fraction" -> Flags.inRange(flag, valFraction, 0, 1, false);
      default -> throw new IllegalStateException("not an epoch flag: " + flag);
    }
  }

  /** Checks the flags. */
  void check() {
    VALUE_FLAGS.forEach(this::checkValue);
  }
}
