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

  /** The optimizer these flags configure (weight decay applies to AdamW only). */
  OptimizerConfig config() {
    Flags.positive("--lr", lr);
    Flags.inRange("--l2", l2, 0, Double.MAX_VALUE, true);
    Flags.inRange("--clip-norm", clipNorm, 0, Double.MAX_VALUE, true);
    Flags.inRange("--warmup-epochs", warmupEpochs, 0, Double.MAX_VALUE, true);
    Flags.positive("--decay-every-epochs", decayEvery);
    Flags.inRange("--momentum", momentum, 0, 1, false);
    Flags.inRange("--beta1", beta1, 0, 1, false);
    Flags.inRange("--beta2", beta2, 0, 1, false);
    Flags.inRange("--rho", rho, 0, 1, false);
    Flags.positive("--eps", eps);
    Flags.inRange("--weight-decay", weightDecay, 0, Double.MAX_VALUE, true);
    schedule(1);
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
