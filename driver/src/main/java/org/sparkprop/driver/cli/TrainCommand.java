package org.sparkprop.driver.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.TrainInputs;
import org.sparkprop.driver.data.TrainingData;
import org.sparkprop.driver.exchange.Exchange;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.output.LayerStats;
import org.sparkprop.driver.output.TrainOutputs;
import org.sparkprop.driver.store.CheckpointStore;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.driver.train.DeviceProbe;
import org.sparkprop.driver.train.SparkTrainer;
import org.sparkprop.driver.train.Sync;
import org.sparkprop.driver.train.TrainOptions;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.trainer.data.Targets;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
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
    MlpSpec spec = model.spec();
    TrainInputs in = inputs.inputs();
    checkOutputs(spec, in.classes(), model.arch);
    Targets targets = Targets.of(spec.task(), spec.outputs(), in.classes());
    epochs.check();
    if (spec.batchNorm() && epochs.batch == 1) {
      throw new IllegalArgumentException("--batch 1 with batch normalisation: one row's batch "
          + "statistics are degenerate (its variance is 0); use --no-batch-norm for online "
          + "learning");
    }
    optimizer.config();
    spark.check();
    TrainOptions opts = distribution.options(spec, spark);
    try (JavaSparkContext sc = spark.start("sparkprop train")) {
      Fs fs = new Fs(sc.hadoopConfiguration());
      int parts = spark.partitions(sc);
      TrainingData data = TrainingData.prepare(sc, fs, in, new TrainingData.Preparation(
          spec.inputs(), model.arch, targets, epochs.scaling, epochs.valFraction, epochs.seed,
          parts, inputs.cache));
      if (epochs.fullBatch) {
        epochs.batch = data.train().map(b -> b.rows()).reduce(Math::max);
      }
      TrainConfig cfg = trainConfig(parts, data.trainRows());
      Map<String, Object> config = resolvedConfig(spec, cfg, opts, sc.master(), parts);
      Map<String, Integer> devices = DeviceProbe.run(sc, spec, distribution.device, parts);
      devices.forEach((line, count) -> out.printf(Locale.ROOT, "%s (%d of %d partitions)%n",
          line, count, parts));
      String configJson = Json.line(config);
      out.println("sparkprop train: " + configJson);
      announce(cfg, opts, parts, data);
      output.checkWritable(fs);
      String ckptDir = distribution.checkpointFolder();
      if (distribution.checkpointDir != null && distribution.resume == null) {
        fs.checkWritable(distribution.checkpointDir);
      }
      data.train().count();
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      CheckpointStore store = ckptDir == null ? null : new CheckpointStore(fs, ckptDir);
      Mlp local = new Mlp(spec, Math.max(1, data.sample().rows()));
      Weights ps = local.initialise(epochs.seed);
      LayerStats stats = new LayerStats(local, data.sample());
      long tTrain = System.nanoTime();
      SparkTrainer trainer = new SparkTrainer(sc, spec, cfg, opts).logTo(out::println)
          .onEpoch(stats::record).onDevice(distribution.device).validateOn(data.validation())
          .threshold((float) model.threshold).fullBatch(epochs.fullBatch);
      if (store != null) {
        trainer.checkpointTo(store, Map.of("config", configJson));
      }
      if (distribution.resume != null) {
        trainer.resumeFrom(store.loadLatest());
      }
      TrainResult result = trainer.fit(data.train(), data.trainRows(), ps);
      double trainSeconds = (System.nanoTime() - tTrain) / 1e9;
      long planned = (long) SparkTrainer.stepsPerEpoch(data.trainRows(), parts, cfg.batchSize())
          * cfg.epochs();
      if (opts.maxSteps() > 0 && result.steps() < planned) {
        out.printf(Locale.ROOT, "stopped after %d steps (--max-steps); resume with --resume "
            + "%s%n", result.steps(), Fs.redact(String.valueOf(ckptDir)));
        return 0;
      }
      try (TrainOutputs outputs = TrainOutputs.compute(sc, data, spec, result, stats,
          new TrainOutputs.RunFacts(config, configJson, devices, loadSeconds, trainSeconds,
              t0, (float) model.threshold, describe(in, data, targets),
              inputs.classNames(spec)))) {
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

  /** The training configuration for P workers and trainRows rows (scaled lr, schedule). */
  private TrainConfig trainConfig(int parts, long trainRows) {
    float effectiveLr = (float) (optimizer.lr * distribution.lrScaling.factor(parts));
    long stepsPerEpoch = SparkTrainer.stepsPerEpoch(trainRows, parts, epochs.batch);
    return new TrainConfig(epochs.epochs, epochs.batch, optimizer.config(), effectiveLr,
        optimizer.schedule(stepsPerEpoch), optimizer.l2, optimizer.clipNorm, epochs.patience,
        true, epochs.seed, 1);
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

  /** Every setting of the run, resolved (metrics.json's "config", the model's metadata). */
  private Map<String, Object> resolvedConfig(MlpSpec spec, TrainConfig cfg, TrainOptions opts,
      String master, int parts) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("arch", spec.arch());
    c.put("parameters", new Mlp(spec, 1).paramCount());
    c.put("activation", spec.hidden().toString());
    c.put("task", spec.task().toString());
    c.put("loss", spec.loss().toString());
    c.put("output_activation", spec.lossFunction().outputActivation().toString());
    if (spec.task() == Task.MULTILABEL) {
      c.put("threshold", model.threshold);
    }
    c.put("dropout", spec.dropout());
    c.put("batch_norm", spec.batchNorm());
    c.put("init", spec.init().name().toLowerCase(Locale.ROOT));
    c.put("optimizer", cfg.optimizer().name());
    c.put("lr", decimal(cfg.lr()));
    c.put("momentum", decimal(cfg.optimizer().momentum()));
    c.put("betas", List.of(decimal(cfg.optimizer().beta1()),
        decimal(cfg.optimizer().beta2())));
    c.put("eps", decimal(cfg.optimizer().eps()));
    c.put("weight_decay", decimal(cfg.optimizer().weightDecay()));
    c.put("l2", decimal(cfg.l2()));
    c.put("clip_norm", decimal(cfg.clipNorm()));
    c.put("schedule", cfg.schedule().kind());
    c.put("warmup_steps", cfg.schedule().warmupSteps());
    c.put("epochs", cfg.epochs());
    c.put("batch", cfg.batchSize());
    c.put("full_batch", epochs.fullBatch);
    c.put("patience", cfg.patience());
    c.put("val_fraction", epochs.valFraction);
    c.put("scaling", epochs.scaling.toString());
    c.put("cache", inputs.cache.toString());
    c.put("seed", cfg.seed());
    c.put("master", master);
    c.put("partitions", parts);
    c.put("global_batch", cfg.batchSize() * parts);
    c.put("lr_scaling", distribution.lrScaling.toString());
    c.put("base_lr", decimal(optimizer.lr));
    c.put("sync", opts.sync().toString());
    if (opts.sync() == Sync.PARAMS) {
      c.put("average_every", opts.averageEvery());
      c.put("average_optimizer_state", opts.averageOptimizerState());
    }
    c.put("exchange", opts.exchange().toString());
    if (opts.exchange() == Exchange.RING && opts.sync() == Sync.GRADIENT) {
      c.put("bucket_kib", opts.bucketKib());
      c.put("shard_optimizer", opts.shardOptimizer());
      c.put("wire_precision", opts.wirePrecision().toString());
      c.put("shared_memory", opts.sharedMemory());
    }
    c.put("kernel", Kernels.newGemm().name());
    c.put("device", distribution.device.toString());
    return c;
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

  /** A float flag as the decimal the user wrote (0.001, not 0.0010000000474974513). */
  private static double decimal(float v) {
    return Double.parseDouble(Float.toString(v));
  }
}
