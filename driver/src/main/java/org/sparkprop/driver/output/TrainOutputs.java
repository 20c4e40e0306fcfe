package org.sparkprop.driver.output;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.TrainingData;
import org.sparkprop.driver.eval.EvalSums;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.train.Evaluation;

/**
 * Everything train writes, computed before anything is written: the test evaluation, the
 * model file, metrics.json and metrics.csv, the report and its plots, and the predictions
 * (kept on the executors until each destination streams them in). {@link #publish} writes
 * them to each destination; a failure part-way leaves that folder without _SUCCESS.
 */
public final class TrainOutputs implements AutoCloseable {
  private final Map<String, Fs.Content> files = new LinkedHashMap<>();
  private final Evaluator.Predictions testPredictions;
  private final Evaluator.Predictions trainPredictions;
  private final Evaluation test;

  /**
   * What a run adds to its outputs beyond the trained model: config, devices, timings, the
   * multi-label decision threshold, a description of the data and the class names (empty:
   * none known).
   */
  public record RunFacts(Map<String, Object> config, String configJson,
      Map<String, Integer> devices, double loadSeconds, double trainSeconds, long startNanos,
      float threshold, Map<String, Object> data, List<String> classNames) {}

  private TrainOutputs(Evaluator.Predictions testPredictions,
      Evaluator.Predictions trainPredictions,
      Evaluation test) {
    this.testPredictions = testPredictions;
    this.trainPredictions = trainPredictions;
    this.test = test;
  }

  /**
   * Evaluates and predicts the trained model r on data's test set and (trainPredictions) its
   * training set in input order.
   */
  public static TrainOutputs compute(JavaSparkContext sc, TrainingData data, MlpSpec spec,
      TrainResult r, LayerStats stats, RunFacts facts, boolean trainPredictions)
      throws IOException {
    float[] p = r.params();
    float[] s = r.state();
    float th = facts.threshold();
    EvalSums testSums = Evaluator.sums(sc, data.test(), spec, p, s, th);
    Evaluation test = Evaluator.evaluation(testSums, spec);
    TrainOutputs out = new TrainOutputs(Evaluator.predictions(sc, data.test(), spec, p, s, th),
        trainPredictions ? Evaluator.predictions(sc, data.trainInOrder().get(), spec, p, s, th)
            : null, test);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("config", facts.configJson());
    meta.put("task", spec.task().toString());
    meta.put("test_accuracy", Double.toString(test.accuracy()));
    test.metrics().forEach((n, v) -> meta.put("test_" + n, Double.toString(v)));
    if (spec.task() == Task.MULTILABEL) {
      meta.put("threshold", Float.toString(th));
    }
    meta.put("format", "sparkprop model v" + ModelCodec.VERSION);
    Model model = new Model(spec, data.scaling(), p, s, meta);
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("data_loading", facts.loadSeconds());
    seconds.put("training", facts.trainSeconds());
    seconds.putAll(r.timing().toMap());
    seconds.put("total", (System.nanoTime() - facts.startNanos()) / 1e9);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("config", facts.config());
    // What ran it (results do not depend on the Spark line: the arithmetic is the trainer's).
    metrics.put("spark_version", sc.version());
    metrics.put("devices", facts.devices());
    metrics.put("epochs", Metrics.epochRows(r.history(), r.epochTiming()));
    metrics.put("best_epoch", r.bestEpoch());
    metrics.put("stopped_early", r.stoppedEarly());
    metrics.put("steps", r.steps());
    metrics.put("test_loss", test.loss());
    metrics.put("test_accuracy", test.accuracy());
    test.metrics().forEach((n, v) -> metrics.put("test_" + n, v));
    metrics.put("seconds", seconds);
    metrics.put("samples_per_second", r.samplesPerSecond());
    // A cached training row: its features as bytes (compact shards) or floats, and targets.
    metrics.put("shard_bytes_per_row", data.train().map(Block::bytesPerRow).reduce(Math::max));
    // The driver JVM's heap high-water mark so far (its executors too, in local mode).
    metrics.put("driver_peak_heap_bytes", peakHeap());
    metrics.put("driver_max_heap_bytes", Runtime.getRuntime().maxMemory());
    metrics.put("validation_accuracy_milestones", Metrics.milestones(r.history()));
    int classes = spec.task() == Task.CLASSIFICATION ? Math.max(2, spec.outputs()) : 0;
    metrics.put("confusion_matrix", Metrics.confusion(testSums.confusion(), classes));
    metrics.put("layer_activation_rms", stats.activations);
    metrics.put("layer_gradient_rms", stats.gradients);
    metrics.put("layer_activation_stats", stats.activationStats);
    metrics.put("layer_gradient_stats", stats.gradientStats);
    Map<String, byte[]> report = Report.build(new Report.Input("sparkprop · " + spec.arch()
        + " · " + spec.task(), facts.config(), facts.data(), r.history(), stats,
        testSums.confusion(), classes, facts.classNames(), test, seconds,
        scatter(data, spec, p, s)));
    if (!facts.classNames().isEmpty()) {
      metrics.put("class_names", facts.classNames());
    }
    out.files.put("model.spkm", Fs.Content.of(ModelCodec.encode(model)));
    out.files.put("metrics.json", Fs.Content.of(utf8(Json.write(metrics))));
    out.files.put("metrics.csv", Fs.Content.of(utf8(Metrics.csv(r.history(), stats))));
    out.files.put("test_predictions.csv", out.testPredictions.lines());
    if (out.trainPredictions != null) {
      out.files.put("train_predictions.csv", out.trainPredictions.lines());
    }
    report.forEach((name, bytes) -> out.files.put(name, Fs.Content.of(bytes)));
    return out;
  }

  /** Up to 2,000 test rows of the first partition, true and predicted, for regression. */
  private static Report.Scatter scatter(TrainingData data, MlpSpec spec, float[] p, float[] s) {
    if (spec.task() != Task.REGRESSION || data.testRows() == 0) {
      return null;
    }
    Block b = data.test().first().head(2000);
    return new Report.Scatter(b.y(), Evaluator.probabilities(spec, new Weights(p, s), b),
        spec.outputs());
  }

  /** The test set's loss and accuracy. */
  public Evaluation test() {
    return test;
  }

  /** Publishes every file to each destination in turn, saying so on log. */
  public void publish(Fs fs, List<String> destinations, Consumer<String> log)
      throws IOException {
    for (String d : destinations) {
      fs.publishContents(d, files);
      log.accept("wrote " + Fs.redact(d));
    }
  }

  /** Releases the predictions held on the executors. */
  @Override
  public void close() {
    testPredictions.close();
    if (trainPredictions != null) {
      trainPredictions.close();
    }
  }

  /** The sum of the heap pools' peak use in this JVM. */
  static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
