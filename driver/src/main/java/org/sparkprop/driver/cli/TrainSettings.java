package org.sparkprop.driver.cli;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.SparkpropCli;
import org.sparkprop.driver.data.TrainingData;
import org.sparkprop.driver.exchange.Exchange;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.output.LayerStats;
import org.sparkprop.driver.store.CheckpointStore;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.driver.train.DeviceProbe;
import org.sparkprop.driver.train.SparkTrainer;
import org.sparkprop.driver.train.Sync;
import org.sparkprop.driver.train.TrainOptions;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.trainer.data.Targets;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Every setting of a training run but its data and outputs: the network, the optimizer, the
 * epochs and how training is distributed, as train's flags give them. {@code sparkprop train}
 * and the Spark ML estimators ({@code org.sparkprop.ml}) both train through this class, so
 * they have the same settings, the same defaults, the same checks and, for the same data and
 * seed, the same parameters bit for bit.
 */
public final class TrainSettings {
  private final TrainInputOptions inputs;
  private final ModelOptions model;
  private final OptimizerOptions optimizer;
  private final EpochOptions epochs;
  private final DistributionOptions distribution;
  private final SparkOptions spark;

  TrainSettings(TrainInputOptions inputs, ModelOptions model, OptimizerOptions optimizer,
      EpochOptions epochs, DistributionOptions distribution, SparkOptions spark) {
    this.inputs = inputs;
    this.model = model;
    this.optimizer = optimizer;
    this.epochs = epochs;
    this.distribution = distribution;
    this.spark = spark;
  }

  /** train's settings flags without its data and output flags, for parsing them alone. */
  @Command(name = "train")
  private static final class SettingsCommand {
    @Mixin TrainInputOptions inputs = new TrainInputOptions();
    @Mixin ModelOptions model = new ModelOptions();
    @Mixin OptimizerOptions optimizer = new OptimizerOptions();
    @Mixin EpochOptions epochs = new EpochOptions();
    @Mixin DistributionOptions distribution = new DistributionOptions();
    @Mixin SparkOptions spark = new SparkOptions();
  }

  /**
   * The settings train's flags give (e.g. {@code ["--lr", "0.01", "--no-batch-norm"]}); a
   * flag this class does not know, or a value of the wrong type, is an
   * IllegalArgumentException naming the flag.
   */
  public static TrainSettings parse(List<String> flags) {
    SettingsCommand c = new SettingsCommand();
    try {
      SparkpropCli.configure(new CommandLine(c)).parseArgs(flags.toArray(new String[0]));
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new TrainSettings(c.inputs, c.model, c.optimizer, c.epochs, c.distribution,
        c.spark);
  }

  /**
   * Checks flag's value on its own as train does (its type, its name among the choices, its
   * range; nothing that depends on another flag), with the given flags parsed (flag's and,
   * e.g., the task); fails naming the flag.
   */
  public static void checkValue(List<String> flags, String flag) {
    TrainSettings s = parse(flags);
    if (ModelOptions.VALUE_FLAGS.contains(flag)) {
      s.model.checkValue(flag);
    } else if (OptimizerOptions.VALUE_FLAGS.contains(flag)) {
      s.optimizer.checkValue(flag);
    } else if (EpochOptions.VALUE_FLAGS.contains(flag)) {
      s.epochs.checkValue(flag);
    } else if (flag.equals("--partitions")) {
      s.spark.checkValue(flag);
    } else {
      s.distribution.checkValue(flag);
    }
  }

  /** train's settings flags (name → its option: default value, description). */
  public static Map<String, OptionSpec> flags() {
    Map<String, OptionSpec> m = new LinkedHashMap<>();
    for (OptionSpec o : new CommandLine(new SettingsCommand()).getCommandSpec().options()) {
      m.put(o.longestName(), o);
    }
    return m;
  }

  /** The network, every model flag checked. */
  public MlpSpec spec() {
    return model.spec();
  }

  /**
   * Checks every flag that needs no data or cluster: the loop's, the optimizer's, batch
   * normalisation against online learning, Spark's.
   */
  public void check(MlpSpec spec) {
    epochs.check();
    if (spec.batchNorm() && epochs.batch == 1) {
      throw new IllegalArgumentException("--batch 1 with batch normalisation: one row's batch "
          + "statistics are degenerate (its variance is 0); use --no-batch-norm for online "
          + "learning");
    }
    optimizer.config();
    spark.check();
  }

  /** How the data is prepared for spec and targets on parts workers. */
  public TrainingData.Preparation preparation(MlpSpec spec, Targets targets, int parts) {
    return new TrainingData.Preparation(spec.inputs(), model.arch, targets, epochs.scaling,
        epochs.valFraction, epochs.seed, parts, inputs.cache, inputs.storage);
  }

  /** --partitions, or Spark's default parallelism. */
  public int partitions(JavaSparkContext sc) {
    return spark.partitions(sc);
  }

  /** The multi-label decision threshold. */
  public float threshold() {
    return (float) model.threshold;
  }

  /** The seed every random stream derives from. */
  public long seed() {
    return epochs.seed;
  }

  /** The checkpoint folder of this run (resumed or new), or null. */
  public String checkpointFolder() {
    return distribution.checkpointFolder();
  }

  /** Whether training stops after --max-steps steps. */
  public long maxSteps() {
    return distribution.maxSteps;
  }

  /** What a training run gives: the outcome and what it ran with. */
  public record Fitted(TrainResult result, TrainConfig cfg, TrainOptions opts,
      Map<String, Object> config, String configJson, Map<String, Integer> devices,
      LayerStats stats, double loadSeconds, double trainSeconds) {}

  /**
   * What runs between the configuration and the first step (e.g. checking the outputs are
   * writable), with the shape of the run.
   */
  public interface BeforeTraining {
    void run(TrainConfig cfg, TrainOptions opts) throws IOException;
  }

  /**
   * Trains spec on data (prepared by {@link #preparation}) over parts workers, logging to log;
   * t0 is when the run began (its data-loading time is measured from it).
   */
  public Fitted fit(JavaSparkContext sc, Fs fs, MlpSpec spec, TrainingData data, int parts,
      long t0, Consumer<String> log, BeforeTraining before)
      throws IOException, InterruptedException {
    TrainOptions opts = distribution.options(spec, sc.master(), parts);
    if (epochs.fullBatch) {
      epochs.batch = data.train().map(b -> b.rows()).reduce(Math::max);
    }
    TrainConfig cfg = trainConfig(parts, data.trainRows());
    Map<String, Object> config = resolvedConfig(spec, cfg, opts, sc.master(), parts);
    Map<String, Integer> devices = DeviceProbe.run(sc, spec, distribution.device, parts);
    devices.forEach((line, count) -> log.accept(String.format(Locale.ROOT,
        "%s (%d of %d partitions)", line, count, parts)));
    String configJson = Json.line(config);
    log.accept("sparkprop train: " + configJson);
    before.run(cfg, opts);
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
    SparkTrainer trainer = new SparkTrainer(sc, spec, cfg, opts).logTo(log)
        .onEpoch(stats::record).onDevice(distribution.device).validateOn(data.validation())
        .threshold((float) model.threshold).fullBatch(epochs.fullBatch);
    if (store != null) {
      trainer.checkpointTo(store, Map.of("config", configJson));
    }
    if (distribution.resume != null) {
      trainer.resumeFrom(store.loadLatest());
    }
    TrainResult result = trainer.fit(data.train(), data.trainRows(), ps);
    return new Fitted(result, cfg, opts, config, configJson, devices, stats, loadSeconds,
        (System.nanoTime() - tTrain) / 1e9);
  }

  /** Whether the run stopped at --max-steps before its planned steps. */
  public boolean stoppedAtMaxSteps(Fitted f, long trainRows, int parts) {
    long planned = (long) SparkTrainer.stepsPerEpoch(trainRows, parts, f.cfg().batchSize())
        * f.cfg().epochs();
    return f.opts().maxSteps() > 0 && f.result().steps() < planned;
  }

  /** The training configuration for P workers and trainRows rows (scaled lr, schedule). */
  private TrainConfig trainConfig(int parts, long trainRows) {
    float effectiveLr = (float) (optimizer.lr * distribution.lrScaling.factor(parts));
    long stepsPerEpoch = SparkTrainer.stepsPerEpoch(trainRows, parts, epochs.batch);
    return new TrainConfig(epochs.epochs, epochs.batch, optimizer.config(), effectiveLr,
        optimizer.schedule(stepsPerEpoch), optimizer.l2, optimizer.clipNorm, epochs.patience,
        true, epochs.seed, 1);
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
    c.put("shard_storage", inputs.storage.toString());
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

  /** A float flag as the decimal the user wrote (0.001, not 0.0010000000474974513). */
  private static double decimal(float v) {
    return Double.parseDouble(Float.toString(v));
  }
}
