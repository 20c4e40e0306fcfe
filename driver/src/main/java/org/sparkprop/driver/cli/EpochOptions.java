package org.sparkprop.driver.cli;

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

  /** Checks the flags. */
  void check() {
    Flags.atLeast("--epochs", epochs, 1);
    Flags.atLeast("--batch", batch, 1);
    Flags.atLeast("--patience", patience, 0);
    Flags.inRange("--val-fraction", valFraction, 0, 1, false);
  }
}
