package org.sparkprop.driver.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The optimizer, its hyper-parameters, the learning-rate schedule and regularisation. */
final class OptimizerOptions {
  @Option(names = "--optimizer", defaultValue = "adamw",
      description = "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw (${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--lr", defaultValue = "0.001", description = "learning rate "
      + "(${DEFAULT-VALUE})")
  float lr;

  @Option(names = "--momentum", defaultValue = "0.9", description = "momentum, nesterov "
      + "(${DEFAULT-VALUE})")
  float momentum;

  @Option(names = "--beta1", defaultValue = "0.9", description = "Adam's β1 (${DEFAULT-VALUE})")
  float beta1;

  @Option(names = "--beta2", defaultValue = "0.999", description = "Adam's β2 "
      + "(${DEFAULT-VALUE})")
  float beta2;

  @Option(names = "--eps", defaultValue = "1e-8", description = "Adam, AdaGrad, RMSProp ε "
      + "(${DEFAULT-VALUE})")
  float eps;

  @Option(names = "--rho", defaultValue = "0.99", description = "RMSProp decay "
      + "(${DEFAULT-VALUE})")
  float rho;

  @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW decoupled "
      + "decay (${DEFAULT-VALUE})")
  float weightDecay;

  @Option(names = "--l2", defaultValue = "0", description = "coupled L2 on weights, not "
      + "biases (${DEFAULT-VALUE})")
  float l2;

  @Option(names = "--clip-norm", defaultValue = "0", description = "clip the gradient's "
      + "global norm; 0 = off")
  float clipNorm;

  @Option(names = "--schedule", defaultValue = "cosine",
      description = "constant, step, exponential, cosine (${DEFAULT-VALUE})")
  String schedule;

  @Option(names = "--warmup-epochs", defaultValue = "0", description = "linear warm-up "
      + "(${DEFAULT-VALUE})")
  double warmupEpochs;

  @Option(names = "--decay-every-epochs", defaultValue = "1", description = "step/exponential "
      + "period (${DEFAULT-VALUE})")
  double decayEvery;

  @Option(names = "--gamma", defaultValue = "0.5", description = "step/exponential factor "
      + "(${DEFAULT-VALUE})")
  double gamma;

  /** The command these options are mixed into: which flags the user gave. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** Which optimizers each hyper-parameter flag means something to. */
  private static final Map<String, List<String>> USED_BY = Map.of(
      "--momentum", List.of("momentum", "nesterov"),
      "--beta1", List.of("adam", "adamw"),
      "--beta2", List.of("adam", "adamw"),
      "--eps", List.of("adagrad", "rmsprop", "adam", "adamw"),
      "--rho", List.of("rmsprop"),
      "--weight-decay", List.of("adamw"));

  /** Which schedules each schedule flag means something to. */
  private static final Map<String, List<String>> SCHEDULE_FLAGS = Map.of(
      "--decay-every-epochs", List.of("step", "exponential"),
      "--gamma", List.of("step", "exponential"));

  /**
   * A flag the user gave that the chosen optimizer or schedule ignores is an error, not a
   * silent no-op (e.g. --weight-decay with --optimizer sgd).
   */
  private void checkFlagsApply() {
    if (mixee == null) {
      return;
    }
    ParseResult given = mixee.commandLine().getParseResult();
    String opt = optimizer.trim().toLowerCase(Locale.ROOT);
    for (Map.Entry<String, List<String>> e : new TreeMap<>(USED_BY).entrySet()) {
      if (given.hasMatchedOption(e.getKey()) && !e.getValue().contains(opt)) {
        throw new IllegalArgumentException(e.getKey() + " has no effect with --optimizer " + opt
            + " (it applies to " + String.join(", ", e.getValue()) + ")"
            + (e.getKey().equals("--weight-decay") ? "; --l2 is coupled L2 for any optimizer"
                : ""));
      }
    }
    String sched = schedule.trim().toLowerCase(Locale.ROOT);
    for (Map.Entry<String, List<String>> e : new TreeMap<>(SCHEDULE_FLAGS).entrySet()) {
      if (given.hasMatchedOption(e.getKey()) && !e.getValue().contains(sched)) {
        throw new IllegalArgumentException(e.getKey() + " has no effect with --schedule "
            + sched + " (it applies to " + String.join(", ", e.getValue()) + ")");
      }
    }
  }

  /** The flags whose values {@link #checkValue} checks on their own. */
  static final List<String> VALUE_FLAGS = List.of("--optimizer", "--lr", "--momentum",
      "--beta1", "--beta2", "--eps", "--rho", "--weight-decay", "--l2", "--clip-norm",
      "--schedule", "--warmup-epochs", "--decay-every-epochs", "--gamma");

  /** Checks one flag's value on its own (range or name), naming the flag. */
  void checkValue(String flag) {
    switch (flag) {
      case "--optimizer" -> Flags.parse(flag, () -> new OptimizerConfig(optimizer, 0.9f, 0.9f,
          0.999f, 1e-8f, 0.99f, 0f));
      case "--lr" -> Flags.positive(flag, lr);
      case "--momentum" -> Flags.inRange(flag, momentum, 0, 1, false);
      case "--beta1" -> Flags.inRange(flag, beta1, 0, 1, false);
      case "--beta2" -> Flags.inRange(flag, beta2, 0, 1, false);
      case "--eps" -> Flags.positive(flag, eps);
      case "--rho" -> Flags.inRange(flag, rho, 0, 1, false);
      case "--weight-decay" -> Flags.inRange(flag, weightDecay, 0, Double.MAX_VALUE, true);
      case "--l2" -> Flags.inRange(flag, l2, 0, Double.MAX_VALUE, true);
      case "--clip-norm" -> Flags.inRange(flag, clipNorm, 0, Double.MAX_VALUE, true);
      case "--warmup-epochs" -> Flags.inRange(flag, warmupEpochs, 0, Double.MAX_VALUE, true);
      case "--decay-every-epochs" -> Flags.positive(flag, decayEvery);
      case "--schedule", "--gamma" -> schedule(1);
      default -> throw new IllegalStateException("not an optimizer flag: " + flag);
    }
  }

  /** The optimizer these flags configure (weight decay applies to AdamW only). */
  OptimizerConfig config() {
    for (String f : List.of("--lr", "--l2", "--clip-norm", "--warmup-epochs",
        "--decay-every-epochs", "--momentum", "--beta1", "--beta2", "--rho", "--eps",
        "--weight-decay", "--schedule")) {
      checkValue(f);
    }
    OptimizerConfig c = Flags.parse("--optimizer", () -> new OptimizerConfig(optimizer,
        momentum, beta1, beta2, eps, rho,
        optimizer.trim().equalsIgnoreCase("adamw") ? weightDecay : 0f));
    checkFlagsApply();
    return c;
  }

  /** The schedule in steps, for an epoch of stepsPerEpoch steps. */
  LrSchedule schedule(long stepsPerEpoch) {
    return Flags.parse("--schedule", () -> new LrSchedule(schedule,
        Math.round(warmupEpochs * stepsPerEpoch),
        Math.max(1, Math.round(decayEvery * stepsPerEpoch)), gamma, 0));
  }
}
