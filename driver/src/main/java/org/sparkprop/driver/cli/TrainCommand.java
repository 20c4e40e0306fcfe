package org.sparkprop.driver.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.TrainInputs;
import org.sparkprop.driver.data.TrainingData;
import org.sparkprop.driver.output.TrainOutputs;
import org.sparkprop.driver.spark.LoadProgress;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.driver.train.TrainOptions;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.trainer.data.Targets;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.train.Evaluation;
import org.sparkprop.trainer.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sparkprop train}: check every flag, start Spark, prepare the data, train, evaluate,
 * predict, and publish model, metrics, report and predictions; nothing is written when any
 * step fails.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a model on Spark; write model.spkm, metrics.json, metrics.csv, "
        + "report.html with plots, and predictions to --out.",
        "Flags may also come from a file: sparkprop train @my-run.conf (one flag per line)."})
public final class TrainCommand implements Callable<Integer> {
  @Mixin TrainInputOptions inputs = new TrainInputOptions();
  @Mixin ModelOptions model = new ModelOptions();
  @Mixin OptimizerOptions optimizer = new OptimizerOptions();
  @Mixin EpochOptions epochs = new EpochOptions();
  @Mixin DistributionOptions distribution = new DistributionOptions();
  @Mixin SparkOptions spark = new SparkOptions();
  @Mixin OutputOptions output = new OutputOptions();
  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    TrainSettings settings = new TrainSettings(inputs, model, optimizer, epochs, distribution,
        spark);
    MlpSpec spec = settings.spec();
    TrainInputs in = inputs.inputs();
    checkOutputs(spec, in.classes(), model.arch);
    Targets targets = Targets.of(spec.task(), spec.outputs(), in.classes());
    settings.check(spec);
    distribution.options(spec, spark);
    try (JavaSparkContext sc = spark.start("sparkprop train")) {
      Fs fs = new Fs(sc.hadoopConfiguration());
      int parts = spark.partitions(sc);
      TrainingData data;
      try (LoadProgress p = LoadProgress.start(sc, out::println, LoadProgress.EVERY)) {
        data = TrainingData.prepare(sc, fs, in, settings.preparation(spec, targets, parts));
      }
      TrainSettings.Fitted fit = settings.fit(sc, fs, spec, data, parts, t0, out::println,
          (cfg, opts) -> {
            announce(cfg, opts, parts, data);
            output.checkWritable(fs);
          });
      TrainResult result = fit.result();
      if (settings.stoppedAtMaxSteps(fit, data.trainRows(), parts)) {
        out.printf(Locale.ROOT, "stopped after %d steps (--max-steps); resume with --resume "
            + "%s%n", result.steps(), Fs.redact(String.valueOf(settings.checkpointFolder())));
        return 0;
      }
      try (TrainOutputs outputs = TrainOutputs.compute(sc, data, spec, result, fit.stats(),
          new TrainOutputs.RunFacts(fit.config(), fit.configJson(), fit.devices(),
              fit.loadSeconds(), fit.trainSeconds(), t0, settings.threshold(),
              describe(in, data, targets), inputs.classNames(spec)), output.trainPredictions)) {
        Evaluation test = outputs.test();
        StringBuilder line = new StringBuilder(Double.isNaN(test.accuracy()) ? "test "
            : String.format(Locale.ROOT, "test accuracy %.4f, ", test.accuracy()));
        line.append(String.format(Locale.ROOT, "loss %.4f", test.loss()));
        test.metrics().forEach((n, v) -> line.append(String.format(Locale.ROOT, ", %s %.4f",
            n, v)));
        out.println(line);
        outputs.publish(fs, output.destinations(), out::println);
      }
    }
    return 0;
  }

  /** The data in words, for the report. */
  private static Map<String, Object> describe(TrainInputs in, TrainingData data,
      Targets targets) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("source", in.fashionMnist() ? "Fashion-MNIST (" + (in.fashionMnistDir() == null
        ? "the installed files" : Fs.redact(in.fashionMnistDir())) + ")"
        : Fs.redact(in.trainFeatures()) + (in.trainLabels() == null ? ""
            : " with " + Fs.redact(in.trainLabels())));
    if (!in.fashionMnist()) {
      d.put("test set", Fs.redact(in.testFeatures()));
    }
    d.put("format", in.trainFormat().toString());
    d.put("features per row", data.scaling().shift().length);
    d.put("targets", switch (targets.task()) {
      case CLASSIFICATION -> targets.width() + " classes";
      case REGRESSION -> targets.width() + (targets.width() == 1 ? " real value" : " real values")
          + " per row";
      case MULTILABEL -> targets.width() + " labels";
    });
    d.put("training rows", data.trainRows());
    d.put("validation rows", data.validationRows());
    d.put("test rows", data.testRows());
    d.put("scaling", data.scaling().kind());
    return d;
  }

  /** The one-line summary of the run's shape printed before training. */
  private void announce(TrainConfig cfg, TrainOptions opts, int parts, TrainingData data) {
    out.printf(Locale.ROOT, "%d partitions × batch %d = global batch %d, learning rate %.3g "
        + "(%s scaling of %.3g); %s sync, %s exchange; kernel %s (%s); train/validation/test "
        + "rows %d/%d/%d%n", parts, cfg.batchSize(), cfg.batchSize() * parts, cfg.lr(),
        distribution.lrScaling, optimizer.lr, opts.sync(), opts.exchange(),
        Kernels.newGemm().name(), Kernels.selectionReason(), data.trainRows(),
        data.validationRows(), data.testRows());
  }

  /**
   * The output layer must fit the targets. Classification: softmax cross-entropy takes one
   * output per class, a per-output loss one per class (the labels one-hot encoded) or a single
   * output for two classes. Regression and multi-label targets are as wide as the output layer
   * (each reader checks every row against it).
   */
  static void checkOutputs(MlpSpec spec, int classes, String arch) {
    int k = spec.outputs();
    String loss = spec.loss().toString();
    if (spec.task() != Task.CLASSIFICATION) {
      return;
    }
    if (k == 1 && classes != 2) {
      throw new IllegalArgumentException("--loss " + loss + " with one output is binary "
          + "classification: it needs --classes 2 (labels 0 and 1), got " + classes);
    }
    if (k != 1 && k != classes) {
      throw new IllegalArgumentException("--classes " + classes + " does not match --arch "
          + arch + ": its output layer has " + k + " units, and " + loss + " takes one per "
          + "class" + (spec.loss() == LossKind.SOFTMAX_CE ? "" : " (the labels one-hot "
          + "encoded)"));
    }
  }
}
