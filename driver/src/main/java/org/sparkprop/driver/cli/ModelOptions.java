package org.sparkprop.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
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

  @Option(names = "--task", defaultValue = "classification", description = "classification "
      + "(one class per row), regression (one or more real targets per row, as many as "
      + "outputs), multilabel (a set of labels per row, one output each) (${DEFAULT-VALUE})")
  String task;

  @Option(names = "--loss", defaultValue = "auto", description = "softmax_ce, sigmoid_bce, "
      + "mse, sigmoid_mse; auto: softmax_ce for classes (sigmoid_bce with one output), mse "
      + "for regression, sigmoid_bce for multilabel (${DEFAULT-VALUE})")
  String loss;

  @Option(names = "--output-activation", defaultValue = "auto", description = "softmax, "
      + "sigmoid, identity; auto: the one the loss implies. sigmoid with mse is sigmoid_mse; "
      + "softmax goes with softmax_ce only (${DEFAULT-VALUE})")
  String outputActivation;

  @Option(names = "--threshold", defaultValue = "0.5", description = "multilabel: a label is "
      + "predicted where its probability reaches this (${DEFAULT-VALUE})")
  double threshold;

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

  /**
   * The loss an output activation implies when no loss is named: softmax cross-entropy, sigmoid
   * cross-entropy (squared error for regression), squared error.
   */
  private static LossKind lossFor(String output, Task t) {
    return switch (output.trim().toLowerCase(Locale.ROOT)) {
      case "softmax" -> LossKind.SOFTMAX_CE;
      case "sigmoid" -> t == Task.REGRESSION ? LossKind.SIGMOID_MSE : LossKind.SIGMOID_BCE;
      case "identity" -> LossKind.MSE;
      default -> throw new IllegalArgumentException("unknown output activation '" + output
          + "' (softmax, sigmoid, identity)");
    };
  }

  /** The flags whose values {@link #checkValue} checks on their own. */
  static final List<String> VALUE_FLAGS = List.of("--arch", "--activation", "--task",
      "--loss", "--output-activation", "--threshold", "--dropout", "--init");

  /** Checks one flag's value on its own (not against the other flags), naming the flag. */
  void checkValue(String flag) {
    switch (flag) {
      case "--arch" -> sizes();
      case "--activation" -> {
        for (String name : activation.split(",")) {
          activation(name);
        }
      }
      case "--task" -> task();
      case "--loss" -> {
        if (!loss.equalsIgnoreCase("auto")) {
          Flags.parse(flag, () -> LossKind.parse(loss));
        }
      }
      case "--output-activation" -> {
        if (!outputActivation.equalsIgnoreCase("auto")) {
          Flags.parse(flag, () -> lossFor(outputActivation, Task.CLASSIFICATION));
        }
      }
      case "--threshold" -> {
        if (!(threshold > 0 && threshold < 1)) {
          throw new IllegalArgumentException("--threshold must be in (0, 1), got " + threshold);
        }
      }
      case "--dropout" -> Flags.inRange(flag, dropout, 0, 1, false);
      case "--init" -> Flags.parse(flag, () -> Init.parse(init));
      default -> throw new IllegalStateException("not a model flag: " + flag);
    }
  }

  private int[] sizes() {
    int[] sizes = Flags.parse("--arch", () -> MlpSpec.parseSizes(arch));
    if (sizes.length < 2) {
      throw new IllegalArgumentException("--arch: '" + arch + "' needs at least an input and "
          + "an output size (e.g. 784-256-10)");
    }
    return sizes;
  }

  private static Activation activation(String name) {
    Activation a = Flags.parse("--activation", () -> Activation.parse(name));
    if (a.kind() == Activation.Kind.STEP) {
      throw new IllegalArgumentException("--activation step: the binary step has no "
          + "gradient, so backpropagation cannot train it; train one layer of step units "
          + "with sparkprop perceptron");
    }
    return a;
  }

  private Task task() {
    return Flags.parse("--task", () -> Task.parse(task));
  }

  /** The network these flags describe; every problem names its flag. */
  MlpSpec spec() {
    int[] sizes = sizes();
    String[] names = activation.split(",");
    int hidden = sizes.length - 2;
    if (names.length != 1 && names.length != hidden) {
      throw new IllegalArgumentException("--activation lists " + names.length
          + " activations for " + hidden + " hidden layers");
    }
    List<Activation> acts = new ArrayList<>();
    for (int i = 0; i < hidden; i++) {
      acts.add(activation(names[names.length == 1 ? 0 : i]));
    }
    checkValue("--dropout");
    Init in = Flags.parse("--init", () -> Init.parse(init));
    Task t = task();
    int k = sizes[sizes.length - 1];
    boolean autoLoss = loss.equalsIgnoreCase("auto");
    boolean autoOutput = outputActivation.equalsIgnoreCase("auto");
    LossKind named = !autoLoss ? Flags.parse("--loss", () -> LossKind.parse(loss))
        : autoOutput ? t.defaultLoss(k) : Flags.parse("--output-activation",
            () -> lossFor(outputActivation, t));
    LossKind lossKind = autoOutput ? named
        : Flags.parse("--output-activation", () -> named.withOutput(outputActivation));
    Flags.parse("--loss", () -> {
      t.checkLoss(lossKind, k);
      return lossKind;
    });
    checkValue("--threshold");
    return Flags.parse("--arch", () -> new MlpSpec(sizes, acts, lossKind, dropout, batchNorm,
        in, t));
  }
}
