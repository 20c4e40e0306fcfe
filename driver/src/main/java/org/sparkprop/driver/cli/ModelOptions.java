package org.sparkprop.driver.cli;

import java.util.ArrayList;
import java.util.List;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.model.MlpSpec;
import picocli.CommandLine.Option;

/** The network: layer sizes, activations, loss, dropout, batch norm, initialisation. */
final class ModelOptions {
  @Option(names = "--arch", defaultValue = "784-512-256-10",
      description = "layer sizes, input first (${DEFAULT-VALUE})")
  String arch;

  @Option(names = "--activation", defaultValue = "relu", description = "hidden activation: "
      + "identity, sigmoid[:λ], tanh[:λ], relu, leaky_relu[:α], elu[:α], softplus, maxout[:k]; "
      + "or one per "
      + "hidden layer, comma-separated (${DEFAULT-VALUE})")
  String activation;

  @Option(names = "--loss", defaultValue = "softmax_ce",
      description = "softmax_ce, sigmoid_bce, mse (${DEFAULT-VALUE})")
  String loss;

  @Option(names = "--dropout", defaultValue = "0.3", description = "dropout rate after each "
      + "hidden layer (${DEFAULT-VALUE})")
  double dropout;

  @Option(names = "--batch-norm", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "batch normalisation before each hidden "
          + "activation (on; --no-batch-norm)")
  boolean batchNorm;

  @Option(names = "--init", defaultValue = "auto", description = "xavier_uniform, "
      + "xavier_normal, he_normal, he_uniform, small_uniform, lecun_normal, auto "
      + "(${DEFAULT-VALUE})")
  String init;

  /** The network these flags describe; every problem names its flag. */
  MlpSpec spec() {
    int[] sizes = Flags.parse("--arch", () -> MlpSpec.parseSizes(arch));
    if (sizes.length < 2) {
      throw new IllegalArgumentException("--arch: '" + arch + "' needs at least an input and "
          + "an output size (e.g. 784-256-10)");
    }
    String[] names = activation.split(",");
    int hidden = sizes.length - 2;
    if (names.length != 1 && names.length != hidden) {
      throw new IllegalArgumentException("--activation lists " + names.length
          + " activations for " + hidden + " hidden layers");
    }
    List<Activation> acts = new ArrayList<>();
    for (int i = 0; i < hidden; i++) {
      String name = names[names.length == 1 ? 0 : i];
      acts.add(Flags.parse("--activation", () -> Activation.parse(name)));
    }
    Flags.inRange("--dropout", dropout, 0, 1, false);
    Init in = Flags.parse("--init", () -> Init.parse(init));
    LossKind lossKind = Flags.parse("--loss", () -> LossKind.parse(loss));
    return Flags.parse("--arch", () -> new MlpSpec(sizes, acts, lossKind, dropout, batchNorm,
        in));
  }
}
