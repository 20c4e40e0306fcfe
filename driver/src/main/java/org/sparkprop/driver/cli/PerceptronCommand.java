package org.sparkprop.driver.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.TrainInputs;
import org.sparkprop.driver.data.TrainingData;
import org.sparkprop.driver.eval.EvalSums;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.data.Targets;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.perceptron.Perceptron;
import org.sparkprop.trainer.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkprop perceptron}: one layer of binary step units trained with Rosenblatt's rule
 * (the lecture notes' first learning algorithm), on any input format. The rule is online and
 * sequential, so one Spark task runs it over all training rows (the data comes to that
 * executor, not to the driver); evaluation and prediction are distributed as for train.
 *
 * <p>The result is an ordinary model file: K step units are K sigmoid outputs read at 0.5
 * (σ(z) ≥ ½ exactly when z ≥ 0), so evaluate and predict apply it unchanged; with several
 * classes each class has its unit (one-vs-rest) and the prediction is the largest net input.
 */
@Command(name = "perceptron", mixinStandardHelpOptions = true,
    description = {"Train one layer of step units with the perceptron learning rule; write "
        + "model.spkm, metrics.json and test_predictions.csv to --out.",
        "Converges on linearly separable data and stops after an epoch without a mistake."})
public final class PerceptronCommand implements Callable<Integer> {
  @Mixin TrainInputOptions inputs = new TrainInputOptions();
  @Mixin SparkOptions spark = new SparkOptions();
  @Mixin OutputOptions output = new OutputOptions();

  @Option(names = "--arch", defaultValue = "784-10", description = "inputs-outputs: one layer "
      + "of step units; one output for two classes, else one per class or label "
      + "(${DEFAULT-VALUE})")
  String arch;

  @Option(names = "--task", defaultValue = "classification", description = "classification "
      + "or multilabel (${DEFAULT-VALUE})")
  String task;

  @Option(names = "--lr", defaultValue = "1", description = "the learning rate η of "
      + "w ← w + η(d − y)x (${DEFAULT-VALUE})")
  float lr;

  @Option(names = "--epochs", defaultValue = "100", description = "at most this many passes; "
      + "fewer once a pass makes no mistake (${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--scaling", defaultValue = "none", description = "scale255, standardize, "
      + "none (${DEFAULT-VALUE})")
  Scaling scaling;

  @Option(names = "--seed", defaultValue = "42", description = "the order of the examples "
      + "in each pass (${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    int[] sizes = Flags.parse("--arch", () -> MlpSpec.parseSizes(arch));
    if (sizes.length != 2) {
      throw new IllegalArgumentException("--arch " + arch + ": a perceptron is one layer of "
          + "step units, inputs-outputs (e.g. 784-10); hidden layers are trained with train");
    }
    Task t = Flags.parse("--task", () -> Task.parse(task));
    if (t == Task.REGRESSION) {
      throw new IllegalArgumentException("--task regression: step units output 0 or 1; fit "
          + "real targets with train --task regression");
    }
    Flags.positive("--lr", lr);
    Flags.atLeast("--epochs", epochs, 1);
    MlpSpec spec = Flags.parse("--arch", () -> new MlpSpec(sizes, List.of(),
        LossKind.SIGMOID_BCE, 0, false, Init.AUTO, t));
    TrainInputs in = inputs.inputs();
    TrainCommand.checkOutputs(spec, in.classes(), arch);
    spark.check();
    try (JavaSparkContext sc = spark.start("sparkprop perceptron")) {
      Fs fs = new Fs(sc.hadoopConfiguration());
      output.checkWritable(fs);
      int parts = spark.partitions(sc);
      TrainingData data = TrainingData.prepare(sc, fs, in, new TrainingData.Preparation(
          spec.inputs(), arch, Targets.of(t, spec.outputs(), in.classes()), scaling, 0, seed,
          parts, inputs.cache, inputs.storage));
      int k = spec.outputs();
      int f = spec.inputs();
      float eta = lr;
      int maxEpochs = epochs;
      long s = seed;
      boolean oneHot = t == Task.CLASSIFICATION && k > 1;
      long tTrain = System.nanoTime();
      // One task learns from every training row, in the seeded order the rule draws.
      float[] result = data.train().coalesce(1).mapPartitions(it -> {
        List<Block> blocks = new ArrayList<>();
        it.forEachRemaining(blocks::add);
        Dataset d = unitTargets(blocks, f, k, oneHot);
        Perceptron p = new Perceptron(f, k);
        int ran = p.train(d, eta, maxEpochs, s);
        float[] w = p.weights();
        float[] out = Arrays.copyOf(w, w.length + k + 2);
        System.arraycopy(p.biases(), 0, out, w.length, k);
        out[w.length + k] = ran;
        out[w.length + k + 1] = (float) p.accuracy(d);
        return List.of(out).iterator();
      }).collect().get(0);
      double trainSeconds = (System.nanoTime() - tTrain) / 1e9;
      int ran = (int) result[f * k + k];
      double unitAccuracy = result[f * k + k + 1];
      float[] params = Arrays.copyOf(result, f * k + k);
      float[] state = new float[0];
      EvalSums testSums = Evaluator.sums(sc, data.test(), spec, params, state, 0.5f);
      Evaluation test = Evaluator.evaluation(testSums, spec);
      boolean converged = unitAccuracy == 1.0;
      System.out.printf(Locale.ROOT, "perceptron rule: %d epochs, %s; training decisions "
          + "right %.4f; test accuracy %.4f%n", ran, converged ? "no mistake in the last"
          : "not separated within --epochs", unitAccuracy, test.accuracy());
      Map<String, Object> metrics = new LinkedHashMap<>();
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("arch", arch);
      config.put("task", t.toString());
      config.put("units", Activation.STEP.toString());
      config.put("lr", Double.parseDouble(Float.toString(lr)));
      config.put("epochs", epochs);
      config.put("scaling", scaling.toString());
      config.put("seed", seed);
      config.put("partitions", parts);
      metrics.put("config", config);
      metrics.put("epochs_run", ran);
      metrics.put("converged", converged);
      metrics.put("train_unit_accuracy", unitAccuracy);
      metrics.put("test_accuracy", test.accuracy());
      test.metrics().forEach((n, v) -> metrics.put("test_" + n, v));
      metrics.put("seconds", Map.of("training", trainSeconds,
          "total", (System.nanoTime() - t0) / 1e9));
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("trained_by", "perceptron rule");
      meta.put("config", Json.line(config));
      meta.put("test_accuracy", Double.toString(test.accuracy()));
      Model model = new Model(spec, data.scaling(), params, state, meta);
      try (Evaluator.Predictions pred = Evaluator.predictions(sc, data.test(), spec, params,
          state, 0.5f)) {
        Map<String, Fs.Content> files = new LinkedHashMap<>();
        files.put("model.spkm", Fs.Content.of(ModelCodec.encode(model)));
        files.put("metrics.json", Fs.Content.of(Json.write(metrics)
            .getBytes(StandardCharsets.UTF_8)));
        files.put("test_predictions.csv", pred.lines());
        for (String dest : output.destinations()) {
          fs.publishContents(dest, files);
          System.out.println("wrote " + Fs.redact(dest));
        }
      }
    }
    return 0;
  }

  /**
   * The blocks as one dataset of K 0/1 targets per row: a class index one-hot encoded over K
   * units (oneHot), or the targets as they are (a binary class, multi-label flags).
   */
  static Dataset unitTargets(List<Block> blocks, int f, int k, boolean oneHot) {
    int n = 0;
    for (Block b : blocks) {
      n += b.rows();
    }
    float[] x = new float[n * f];
    float[] y = new float[n * k];
    int r = 0;
    for (Block b : blocks) {
      b.copyRows(0, b.rows(), x, r * f);
      for (int i = 0; i < b.rows(); i++) {
        if (oneHot) {
          y[(r + i) * k + (int) b.y()[i]] = 1;
        } else {
          System.arraycopy(b.y(), i * k, y, (r + i) * k, k);
        }
      }
      r += b.rows();
    }
    return new Dataset(x, y, n, f, k);
  }
}
