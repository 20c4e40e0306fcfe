package org.sparkprop.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparkprop.trainer.data.CsvReader;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.IdxReader;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.EpochMetrics;
import org.sparkprop.trainer.train.Evaluation;
import org.sparkprop.trainer.train.TrainConfig;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Shards;
import org.sparkprop.driver.data.TableShards;
import org.sparkprop.driver.data.TableSource;
import org.sparkprop.driver.io.CheckpointStore;
import org.sparkprop.driver.io.Fs;
import org.sparkprop.driver.train.EvalSums;
import org.sparkprop.driver.train.Evaluator;
import org.sparkprop.driver.train.SparkTrainer;
import org.sparkprop.trainer.io.Checkpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sparkprop} command line: train, evaluate, predict, all on Spark (embedded
 * local[*] by default, or the master spark-submit gives). Also a library entry point:
 * {@link #run(String...)} returns the exit code. Exit codes: 0 ok, 1 runtime failure (bad
 * data, divergence, a failed Spark job), 2 bad usage.
 */
@Command(name = "sparkprop", mixinStandardHelpOptions = true, version = "sparkprop 0.1.0",
    description = "Train, evaluate and apply feed-forward neural networks.",
    subcommands = {SparkpropCli.Train.class, SparkpropCli.Evaluate.class,
        SparkpropCli.Predict.class})
public final class SparkpropCli implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests and library callers). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new SparkpropCli());
    // A later flag overrides an earlier one, so flags after @run.conf override the file.
    cl.setOverwrittenOptionsAllowed(true);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println("sparkprop: error: " + ex.getMessage());
        return 2;
      }
      cmd.getErr().println("sparkprop: error: " + ex.getMessage());
      return 1;
    });
    return cl.execute(args);
  }

  /** Data flags shared by the subcommands. Paths are Hadoop URIs (file://, hdfs://, s3a://). */
  static final class DataOptions {
    @Option(names = "--fashion-mnist", paramLabel = "DIR",
        description = "Fashion-MNIST IDX folder (default: /usr/share/datasets/fashion-mnist). "
            + "Used when no --train-* files are given.")
    String fashionMnist;

    @Option(names = "--train-features", paramLabel = "URI", description = "training features: "
        + "IDX images (.gz or plain), the course *_vectors.csv, or LibSVM (.libsvm/.svm: then "
        + "labels come from the same file)")
    String trainFeatures;

    @Option(names = "--train-labels", paramLabel = "URI") String trainLabels;

    @Option(names = "--test-features", paramLabel = "URI") String testFeatures;

    @Option(names = "--test-labels", paramLabel = "URI") String testLabels;

    @Option(names = "--classes", defaultValue = "10", description = "number of classes (${DEFAULT-VALUE})")
    int classes;

    @Option(names = "--features", paramLabel = "N", defaultValue = "0",
        description = "feature count for LibSVM input (0 = the largest index seen)")
    int libsvmFeatures;

    @Option(names = "--input-format", defaultValue = "auto", description = "auto, idx, "
        + "course-csv, libsvm, parquet (features array/vector column + label column), csv (a "
        + "table with a header: label column + numeric feature columns) (${DEFAULT-VALUE})")
    String inputFormat;

    @Option(names = "--features-col", defaultValue = "features") String featuresCol;

    @Option(names = "--label-col", defaultValue = "label") String labelCol;

    /** Whether the training data is a table read on the executors (Parquet or CSV). */
    boolean isTable() {
      if (trainFeatures == null || testFeatures == null) {
        return false;
      }
      String fmt = DataSource.resolveFormat(inputFormat, trainFeatures, trainLabels);
      return fmt.equals("parquet") || fmt.equals("csv");
    }

    Dataset[] load(JavaSparkContext sc, Fs fs) throws IOException {
      if (trainFeatures == null && testFeatures == null) {
        return DataSource.fashionMnist(fs, fashionMnist);
      }
      if (trainFeatures == null || testFeatures == null) {
        throw new IllegalArgumentException("give --train-features and --test-features (with "
            + "--train-labels/--test-labels unless LibSVM), or none for Fashion-MNIST");
      }
      DataSource.Table table = new DataSource.Table(inputFormat, featuresCol, labelCol);
      Dataset train = DataSource.read(sc, fs, trainFeatures, trainLabels, classes,
          libsvmFeatures, table);
      Dataset test = DataSource.read(sc, fs, testFeatures, testLabels, classes,
          libsvmFeatures > 0 ? libsvmFeatures : train.features(), table);
      return new Dataset[] {train, test};
    }
  }

  /** Where Spark runs. */
  static final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: "
        + "spark.master when launched by spark-submit, else local[*]: embedded)")
    String master;

    @Option(names = "--partitions", defaultValue = "0", description = "training partitions = "
        + "data-parallel workers (0 = Spark's default parallelism: the executors' total cores)")
    int partitions;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "extra Spark setting "
        + "(repeatable)")
    List<String> conf = new ArrayList<>();

    JavaSparkContext start(String app) {
      return SparkSession.start(master, app, conf);
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = {"Train a model on Spark; write model.spkm, metrics.json, metrics.csv, "
          + "report.html with plots, and predictions to --out.",
          "Flags may also come from a file: sparkprop train @my-run.conf (one flag per line)."})
  static final class Train implements Callable<Integer> {
    @CommandLine.ArgGroup(exclusive = false) DataOptions data = new DataOptions();

    @CommandLine.Mixin SparkOptions spark = new SparkOptions();

    @Option(names = "--out", required = true, paramLabel = "URI", description = "output "
        + "folder; published by a _SUCCESS file written after everything else")
    String out;

    @Option(names = "--export", paramLabel = "URI", description = "also publish the outputs "
        + "here, e.g. hdfs:// or s3a:// (repeatable); checked writable before training")
    List<String> exports = new ArrayList<>();
    @Option(names = "--arch", defaultValue = "784-512-256-10",
        description = "layer sizes, input first (${DEFAULT-VALUE})")
    String arch;

    @Option(names = "--activation", defaultValue = "relu", description = "hidden activation: "
        + "identity, sigmoid[:λ], tanh, relu, leaky_relu[:α], elu[:α], softplus; or one per "
        + "hidden layer, comma-separated (${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--loss", defaultValue = "softmax_ce",
        description = "softmax_ce, sigmoid_bce, mse (${DEFAULT-VALUE})")
    String loss;

    @Option(names = "--dropout", defaultValue = "0.3", description = "dropout rate after each hidden layer (${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--batch-norm", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "batch normalisation before each hidden activation (on; --no-batch-norm)")
    boolean batchNorm;

    @Option(names = "--init", defaultValue = "auto",
        description = "xavier_uniform, xavier_normal, he_normal, he_uniform, small_uniform, auto (${DEFAULT-VALUE})")
    String init;

    @Option(names = "--optimizer", defaultValue = "adamw",
        description = "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw (${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "learning rate (${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--momentum", defaultValue = "0.9") float momentum;

    @Option(names = "--beta1", defaultValue = "0.9") float beta1;

    @Option(names = "--beta2", defaultValue = "0.999") float beta2;

    @Option(names = "--eps", defaultValue = "1e-8") float eps;

    @Option(names = "--rho", defaultValue = "0.99", description = "RMSProp decay (${DEFAULT-VALUE})")
    float rho;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW decoupled decay (${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--l2", defaultValue = "0", description = "coupled L2 on weights, not biases (${DEFAULT-VALUE})")
    float l2;

    @Option(names = "--clip-norm", defaultValue = "0", description = "clip the gradient's global norm; 0 = off")
    float clipNorm;

    @Option(names = "--schedule", defaultValue = "cosine",
        description = "constant, step, exponential, cosine (${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup-epochs", defaultValue = "0") double warmupEpochs;

    @Option(names = "--decay-every-epochs", defaultValue = "1", description = "step/exponential period")
    double decayEvery;

    @Option(names = "--gamma", defaultValue = "0.5", description = "step/exponential factor")
    double gamma;

    @Option(names = "--epochs", defaultValue = "20") int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "rows per worker per step; "
        + "the global batch is --batch × --partitions (${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--patience", defaultValue = "0", description = "early stopping patience in epochs; 0 = off")
    int patience;

    @Option(names = "--val-fraction", defaultValue = "0.1",
        description = "validation split carved from the training data (${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--scaling", defaultValue = "scale255",
        description = "scale255, standardize, none (${DEFAULT-VALUE})")
    String scaling;

    @Option(names = "--seed", defaultValue = "42") long seed;

    @Option(names = "--sync", defaultValue = "gradient", description = "gradient: average "
        + "gradients every step, optimizer on the driver; params: parameter averaging every "
        + "--average-every local steps (${DEFAULT-VALUE})")
    String sync;

    @Option(names = "--average-every", defaultValue = "16", description = "local steps between "
        + "parameter averages with --sync params (${DEFAULT-VALUE})")
    int averageEvery;

    @Option(names = "--average-optimizer-state", negatable = true, defaultValue = "true",
        fallbackValue = "true", description = "with --sync params, average the optimizer state "
            + "too (on; --no-average-optimizer-state keeps one per worker)")
    boolean averageOptimizerState;

    @Option(names = "--device", defaultValue = "auto", description = "where workers compute: "
        + "auto (a GPU through JCuda/cuBLAS when one answers and the model has no batch norm, "
        + "else the CPU kernel), cpu, gpu (fails without one) (${DEFAULT-VALUE})")
    String device;

    @Option(names = "--exchange", defaultValue = "direct", description = "direct: one barrier "
        + "stage per epoch, sums and parameters over a driver connection; spark: one Spark job "
        + "per step (broadcast + treeReduce) (${DEFAULT-VALUE})")
    String exchange;

    @Option(names = "--lr-scaling", defaultValue = "none", description = "scale --lr with the "
        + "number of workers (global batch / --batch): linear, sqrt, none (${DEFAULT-VALUE})")
    String lrScaling;

    @Option(names = "--checkpoint-dir", paramLabel = "URI", description = "write checkpoints "
        + "here (at every epoch end and every --checkpoint-every steps)")
    String checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "steps between "
        + "checkpoints inside an epoch; 0 = epoch ends only")
    int checkpointEvery;

    @Option(names = "--resume", paramLabel = "URI", description = "continue from the latest "
        + "checkpoint in this folder (same data, batch and partitions)")
    String resume;

    @Option(names = "--max-steps", defaultValue = "0", description = "stop after this many "
        + "steps, with a checkpoint (0 = no limit)")
    long maxSteps;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      MlpSpec spec = buildSpec();
      SparkTrainer.Sync syncMode = parseEnum(SparkTrainer.Sync.class, sync, "--sync");
      SparkTrainer.Exchange exchangeMode =
          parseEnum(SparkTrainer.Exchange.class, exchange, "--exchange");
      SparkTrainer.Options opts = new SparkTrainer.Options(syncMode, averageEvery,
          averageOptimizerState, exchangeMode, checkpointEvery, 600, maxSteps);
      org.sparkprop.trainer.model.Engines.validate(device, spec);
      if (resume != null && checkpointDir != null && !resume.equals(checkpointDir)) {
        throw new IllegalArgumentException("--resume and --checkpoint-dir name different "
            + "folders; give one (resuming keeps checkpointing into the same folder)");
      }
      try (JavaSparkContext sc = spark.start("sparkprop train")) {
        Fs fs = new Fs(sc.hadoopConfiguration());
        int parts = spark.partitions > 0 ? spark.partitions : sc.defaultParallelism();
        Prepared prep = data.isTable() ? prepareTables(sc, spec, parts)
            : prepareOnDriver(sc, fs, spec, parts);
        Normalizer norm = prep.norm();
        int slots = SparkSession.localSlots(sc.master());
        if (exchangeMode == SparkTrainer.Exchange.DIRECT && slots > 0 && parts > slots) {
          throw new IllegalArgumentException("--partitions " + parts + " exceeds the " + slots
              + " task slots of " + sc.master() + ": the direct exchange runs every partition "
              + "at once (a barrier stage); use --partitions ≤ " + slots + " or --exchange spark");
        }
        double lrFactor = switch (lrScaling.toLowerCase(Locale.ROOT)) {
          case "linear" -> parts;
          case "sqrt" -> Math.sqrt(parts);
          case "none" -> 1;
          default -> throw new IllegalArgumentException("--lr-scaling must be linear, sqrt or "
              + "none, got '" + lrScaling + "'");
        };
        float effectiveLr = (float) (lr * lrFactor);
        long stepsPerEpoch = SparkTrainer.stepsPerEpoch(prep.trainRows(), parts, batch);
        TrainConfig cfg = new TrainConfig(epochs, batch,
            new OptimizerConfig(optimizer, momentum, beta1, beta2, eps, rho,
                optimizer.equalsIgnoreCase("adamw") ? weightDecay : 0f),
            effectiveLr, new LrSchedule(schedule, Math.round(warmupEpochs * stepsPerEpoch),
                Math.max(1, Math.round(decayEvery * stepsPerEpoch)), gamma, 0),
            l2, clipNorm, patience, true, seed, 1);
        Map<String, Object> resolved = resolvedConfig(spec, cfg);
        resolved.put("master", sc.master());
        resolved.put("partitions", parts);
        resolved.put("global_batch", batch * parts);
        resolved.put("lr_scaling", lrScaling);
        resolved.put("base_lr", (double) lr);
        resolved.put("sync", syncMode.name().toLowerCase(Locale.ROOT));
        if (syncMode == SparkTrainer.Sync.PARAMS) {
          resolved.put("average_every", averageEvery);
          resolved.put("average_optimizer_state", averageOptimizerState);
        }
        resolved.put("exchange", exchangeMode.name().toLowerCase(Locale.ROOT));
        resolved.put("kernel", Kernels.newGemm().name());
        resolved.put("device", device);
        // Where the executors compute, and why (the log line and metrics.json say it).
        Map<String, Integer> devices = SparkTrainer.devices(sc, spec, device, parts);
        devices.forEach((line, count) -> System.out.printf(Locale.ROOT, "%s (%d of %d "
            + "partitions)%n", line, count, parts));
        String configJson = Json.write(resolved).trim();
        System.out.println("sparkprop train: " + configJson);
        System.out.printf(Locale.ROOT, "%d partitions × batch %d = global batch %d, learning "
            + "rate %.3g (%s scaling of %.3g); %s sync, %s exchange; kernel %s (%s); "
            + "train/validation/test rows %d/%d/%d%n", parts, batch, batch * parts, effectiveLr,
            lrScaling, lr, resolved.get("sync"), resolved.get("exchange"),
            Kernels.newGemm().name(), Kernels.selectionReason(), prep.trainRows(),
            prep.validationRows(), prep.testRows());
        // Fail before training, not after it, when an output cannot be written.
        List<String> destinations = new ArrayList<>();
        destinations.add(out);
        destinations.addAll(exports);
        for (String d : destinations) {
          fs.checkWritable(d);
        }
        if (checkpointDir != null && resume == null) {
          fs.checkWritable(checkpointDir);
        }
        JavaRDD<Block> trainRdd = prep.train();
        JavaRDD<Block> valRdd = prep.validation();
        JavaRDD<Block> testRdd = prep.test();
        trainRdd.count();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        String ckptDir = resume != null ? resume : checkpointDir;
        CheckpointStore store = ckptDir == null ? null : new CheckpointStore(fs, ckptDir);
        Checkpoint from = resume == null ? null : store.loadLatest();
        Mlp local = new Mlp(spec, Math.max(1, prep.sample().rows()));
        float[][] ps = local.initialise(seed);
        LayerStats stats = new LayerStats(local, prep.sample());
        SparkTrainer trainer = new SparkTrainer(sc, spec, cfg, opts, store,
            Map.of("config", configJson), System.out::println).onEpoch(stats::record)
            .onDevice(device);
        long tTrain = System.nanoTime();
        SparkTrainer.Result result = trainer.fit(trainRdd, prep.trainRows(), valRdd, null,
            ps[0], ps[1], from);
        double trainSeconds = (System.nanoTime() - tTrain) / 1e9;
        if (maxSteps > 0 && result.steps() < stepsPerEpoch * epochs) {
          System.out.printf(Locale.ROOT, "stopped after %d steps (--max-steps); resume with "
              + "--resume %s%n", result.steps(), Fs.redact(String.valueOf(ckptDir)));
          return 0;
        }
        EvalSums testSums = Evaluator.sums(sc, testRdd, spec, ps[0], ps[1]);
        Evaluation testEval = Evaluator.evaluation(testSums, spec);
        // Predictions stay on the executors until each destination streams them in.
        Evaluator.Classes testPred = Evaluator.classes(sc, testRdd, spec, ps[0], ps[1]);
        Evaluator.Classes trainPred = Evaluator.classes(sc, prep.trainInOrder().get(), spec,
            ps[0], ps[1]);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("config", configJson);
        meta.put("test_accuracy", Double.toString(testEval.accuracy()));
        meta.put("format", "sparkprop model v" + ModelCodec.VERSION);
        Model model = new Model(spec, norm, ps[0], ps[1], meta);
        Map<String, Object> seconds = new LinkedHashMap<>();
        seconds.put("data_loading", loadSeconds);
        seconds.put("training", trainSeconds);
        seconds.putAll(result.timing().toMap());
        seconds.put("total", (System.nanoTime() - t0) / 1e9);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("config", resolved);
        metrics.put("devices", devices);
        metrics.put("epochs", epochRows(result.history()));
        metrics.put("best_epoch", result.bestEpoch());
        metrics.put("stopped_early", result.stoppedEarly());
        metrics.put("steps", result.steps());
        metrics.put("test_loss", testEval.loss());
        metrics.put("test_accuracy", testEval.accuracy());
        metrics.put("seconds", seconds);
        metrics.put("samples_per_second", samplesPerSecond(result.history()));
        metrics.put("validation_accuracy_milestones", milestones(result.history()));
        metrics.put("confusion_matrix", confusion(testSums.confusion(), spec.outputs()));
        metrics.put("layer_activation_rms", stats.activations);
        metrics.put("layer_gradient_rms", stats.gradients);
        Map<String, byte[]> report = Report.build("sparkprop · " + spec.arch(),
            result.history(), stats, testSums.confusion(), spec.outputs(), testEval.accuracy(),
            seconds);
        // Everything is computed before anything is written (the predictions on the
        // executors); a failure leaves no _SUCCESS, so no folder that looks complete.
        Map<String, Fs.Content> files = new LinkedHashMap<>();
        files.put("model.spkm", Fs.Content.of(ModelCodec.encode(model)));
        files.put("metrics.json", Fs.Content.of(utf8(Json.write(metrics))));
        files.put("metrics.csv", Fs.Content.of(utf8(metricsCsv(result.history()))));
        files.put("test_predictions.csv", testPred.lines());
        files.put("train_predictions.csv", trainPred.lines());
        report.forEach((name, bytes) -> files.put(name, Fs.Content.of(bytes)));
        System.out.printf(Locale.ROOT, "test accuracy %.4f, loss %.4f%n", testEval.accuracy(),
            testEval.loss());
        try (testPred; trainPred) {
          for (String d : destinations) {
            fs.publishContents(d, files);
            System.out.println("wrote " + Fs.redact(d));
          }
        }
      }
      return 0;
    }
    /**
     * The training run's data on the cluster: scaled, split, sharded. trainRows and the shards
     * are what the trainer sees; sample is up to 256 validation rows for the layer monitor.
     */
    record Prepared(Normalizer norm, JavaRDD<Block> train, long trainRows,
        JavaRDD<Block> validation, long validationRows, JavaRDD<Block> test, long testRows,
        java.util.function.Supplier<JavaRDD<Block>> trainInOrder, Dataset sample) {}

    /** Data read on the driver (files, Fashion-MNIST), then shipped to the executors. */
    private Prepared prepareOnDriver(JavaSparkContext sc, Fs fs, MlpSpec spec, int parts)
        throws IOException {
      Dataset[] raw = data.load(sc, fs);
      checkWidth(raw[0].features(), spec);
      Normalizer norm = Normalizer.fit(scaling, raw[0].x(), raw[0].rows(), raw[0].features());
      Dataset[] split = norm.apply(raw[0]).split(valFraction, seed);
      Dataset test = norm.apply(raw[1]);
      if (parts > split[0].rows()) {
        throw new IllegalArgumentException("--partitions " + parts + " exceeds the "
            + split[0].rows() + " training rows");
      }
      return new Prepared(norm, Shards.forTraining(sc, split[0], parts, seed, "train"),
          split[0].rows(), split[1].rows() == 0 ? null
              : Shards.inOrder(sc, split[1], parts, "validation"), split[1].rows(),
          Shards.inOrder(sc, test, parts, "test"), test.rows(),
          () -> Shards.inOrder(sc, norm.apply(raw[0]), parts, "train"),
          split[1].range(0, Math.min(256, split[1].rows())));
    }

    /**
     * Tables (Parquet/CSV): read, packed, split, scaled and sharded on the executors; the
     * driver holds a few numbers per input partition, never the rows (see TableShards).
     */
    private Prepared prepareTables(JavaSparkContext sc, MlpSpec spec, int parts) {
      String fmt = DataSource.resolveFormat(data.inputFormat, data.trainFeatures, null);
      JavaRDD<Block> raw = TableSource.blocks(sc, data.trainFeatures, fmt, data.featuresCol,
          data.labelCol, data.classes);
      raw.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      String name = Fs.redact(data.trainFeatures);
      TableShards.Layout layout = TableShards.layout(raw, name);
      checkWidth(layout.features(), spec);
      TableShards.Split split = TableShards.split(raw, layout, valFraction, parts, seed, name);
      raw.unpersist(false);
      Normalizer norm = TableShards.fitScaling(scaling, split.train(), split.trainRows(),
          layout.features());
      JavaRDD<Block> train = TableShards.scaled(split.train(), norm, "train");
      JavaRDD<Block> val = split.validation() == null ? null
          : TableShards.scaled(split.validation(), norm, "validation");
      JavaRDD<Block> testRaw = TableSource.blocks(sc, data.testFeatures, fmt,
          data.featuresCol, data.labelCol, data.classes);
      TableShards.Layout testLayout = TableShards.layout(testRaw, Fs.redact(data.testFeatures));
      if (testLayout.features() != layout.features()) {
        throw new IllegalArgumentException(Fs.redact(data.testFeatures) + ": "
            + testLayout.features() + " features per row, the training data has "
            + layout.features());
      }
      JavaRDD<Block> test = TableShards.scaled(testRaw, norm, "test");
      Dataset sample = val == null ? new Dataset(new float[0], new float[0], 0,
          layout.features(), 1) : val.map(b -> b.head(256)).first().asDataset();
      return new Prepared(norm, train, split.trainRows(), val, split.validationRows(), test,
          testLayout.rows(), () -> TableShards.scaled(TableSource.blocks(sc,
              data.trainFeatures, fmt, data.featuresCol, data.labelCol, data.classes), norm,
              "train in input order"), sample);
    }

    private void checkWidth(int features, MlpSpec spec) {
      if (features != spec.inputs()) {
        throw new IllegalArgumentException("the data has " + features
            + " features per row but --arch " + arch + " takes " + spec.inputs());
      }
    }

    MlpSpec buildSpec() {
      int[] sizes = MlpSpec.parseSizes(arch);
      List<org.sparkprop.trainer.activation.Activation> acts = new ArrayList<>();
      String[] parts = activation.split(",");
      for (int i = 0; i < sizes.length - 2; i++) {
        acts.add(org.sparkprop.trainer.activation.Activation.parse(
            parts.length == 1 ? parts[0] : parts[Math.min(i, parts.length - 1)]));
      }
      if (parts.length != 1 && parts.length != sizes.length - 2) {
        throw new IllegalArgumentException("--activation lists " + parts.length
            + " activations for " + (sizes.length - 2) + " hidden layers");
      }
      return new MlpSpec(sizes, acts, loss, dropout, batchNorm, Init.parse(init));
    }

    private Map<String, Object> resolvedConfig(MlpSpec spec, TrainConfig cfg) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("arch", spec.arch());
      c.put("activation", spec.hidden().toString());
      c.put("loss", spec.loss());
      c.put("dropout", spec.dropout());
      c.put("batch_norm", spec.batchNorm());
      c.put("init", spec.init().name().toLowerCase(Locale.ROOT));
      c.put("optimizer", cfg.optimizer().name());
      c.put("lr", (double) cfg.lr());
      c.put("momentum", (double) momentum);
      c.put("betas", List.of((double) beta1, (double) beta2));
      c.put("eps", (double) eps);
      c.put("weight_decay", (double) cfg.optimizer().weightDecay());
      c.put("l2", (double) cfg.l2());
      c.put("clip_norm", (double) cfg.clipNorm());
      c.put("schedule", cfg.schedule().kind());
      c.put("warmup_steps", cfg.schedule().warmupSteps());
      c.put("epochs", cfg.epochs());
      c.put("batch", cfg.batchSize());
      c.put("patience", cfg.patience());
      c.put("val_fraction", valFraction);
      c.put("scaling", scaling);
      c.put("seed", cfg.seed());
      return c;
    }
  }

  static List<Object> epochRows(List<EpochMetrics> ms) {
    List<Object> rows = new ArrayList<>();
    for (EpochMetrics m : ms) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("epoch", m.epoch());
      r.put("train_loss", m.trainLoss());
      r.put("train_accuracy", m.trainAccuracy());
      r.put("validation_loss", m.validationLoss());
      r.put("validation_accuracy", m.validationAccuracy());
      r.put("lr", m.lr());
      r.put("seconds", m.seconds());
      r.put("samples_per_second", m.samplesPerSecond());
      r.put("mean_gradient_norm", m.gradNorm());
      rows.add(r);
    }
    return rows;
  }

  static String metricsCsv(List<EpochMetrics> ms) {
    StringBuilder b = new StringBuilder(
        "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr,seconds,samples_per_second\n");
    for (EpochMetrics m : ms) {
      b.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.1f%n", m.epoch(),
          m.trainLoss(), m.trainAccuracy(), m.validationLoss(), m.validationAccuracy(), m.lr(),
          m.seconds(), m.samplesPerSecond()));
    }
    return b.toString();
  }

  static List<Object> confusion(long[] c, int k) {
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < k && c.length == k * k; i++) {
      List<Object> r = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        r.add(c[i * k + j]);
      }
      rows.add(r);
    }
    return rows;
  }

  static double samplesPerSecond(List<EpochMetrics> h) {
    double samples = 0;
    double secs = 0;
    for (EpochMetrics m : h) {
      samples += m.samplesPerSecond() * m.seconds();
      secs += m.seconds();
    }
    return secs == 0 ? 0 : samples / secs;
  }

  /** Training seconds until validation accuracy first reached each milestone. */
  static Map<String, Object> milestones(List<EpochMetrics> h) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (double goal : new double[] {0.8, 0.85, 0.88, 0.9}) {
      double secs = 0;
      Double reached = null;
      for (EpochMetrics e : h) {
        secs += e.seconds();
        if (e.validationAccuracy() >= goal) {
          reached = secs;
          break;
        }
      }
      m.put(String.format(Locale.ROOT, "%.2f", goal), reached);
    }
    return m;
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, String v, String flag) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    throw new IllegalArgumentException(flag + " must be one of "
        + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
        + ", got '" + v + "'");
  }

  static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** How evaluate and predict read a table (the train command's flags of the same names). */
  static final class TableOptions {
    @Option(names = "--input-format", defaultValue = "auto", description = "auto, idx, "
        + "course-csv, libsvm, parquet, csv (${DEFAULT-VALUE}); tables (parquet, csv) are read "
        + "on the executors")
    String inputFormat;

    @Option(names = "--features-col", defaultValue = "features") String featuresCol;

    @Option(names = "--label-col", defaultValue = "label") String labelCol;
  }

  /** A model's input, scaled as the model says, one block per partition in input order. */
  record ModelInput(JavaRDD<Block> blocks, TableShards.Layout layout) {}

  /**
   * Reads features (and labels, when labelled) for model m: tables on the executors, files on
   * the driver and then shipped; checks the width and scales on the executors.
   */
  static ModelInput modelInput(JavaSparkContext sc, Fs fs, Model m, String features,
      String labels, boolean labelled, TableOptions t, int parts, String what)
      throws IOException {
    String fmt = DataSource.resolveFormat(t.inputFormat, features, labels);
    if (!labelled && t.inputFormat.equalsIgnoreCase("auto") && fmt.equals("csv")) {
      fmt = "course-csv";  // features to predict: the course's *_vectors.csv has no labels file
    }
    int k = m.spec().outputs();
    JavaRDD<Block> raw;
    if (fmt.equals("parquet") || fmt.equals("csv")) {
      raw = TableSource.blocks(sc, features, fmt, t.featuresCol, t.labelCol, labelled ? k : 0);
      raw.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    } else {
      Dataset d = labelled
          ? DataSource.read(sc, fs, features, labels, k, m.spec().inputs(),
              new DataSource.Table(fmt, t.featuresCol, t.labelCol))
          : DataSource.readFeatures(fs, features, m.spec().inputs());
      raw = Shards.inOrder(sc, d, parts, what);
    }
    TableShards.Layout layout = TableShards.layout(raw, Fs.redact(features));
    if (layout.features() != m.spec().inputs()) {
      raw.unpersist(false);
      throw new IllegalArgumentException(Fs.redact(features) + ": rows have "
          + layout.features() + " features, the model takes " + m.spec().inputs());
    }
    return new ModelInput(TableShards.scaled(raw, m.normalizer(), what), layout);
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Accuracy and loss of a saved model on labelled data, as JSON.")
  static final class Evaluate implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "URI", description = "a model "
        + "file, or a published train output folder") String model;

    @Option(names = "--features", required = true, paramLabel = "URI") String features;

    @Option(names = "--labels", paramLabel = "URI", description = "labels (not for LibSVM "
        + "and tables)")
    String labels;

    @CommandLine.Mixin TableOptions table = new TableOptions();

    @CommandLine.Mixin SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() throws Exception {
      try (JavaSparkContext sc = spark.start("sparkprop evaluate")) {
        Fs fs = new Fs(sc.hadoopConfiguration());
        String file = fs.modelFile(model);
        Model m = ModelCodec.decode(fs.readAll(file), Fs.redact(file));
        int parts = spark.partitions > 0 ? spark.partitions : sc.defaultParallelism();
        ModelInput in = modelInput(sc, fs, m, features, labels, true, table, parts, "evaluate");
        Evaluation e = Evaluator.evaluate(sc, in.blocks(), m.spec(), m.params(), m.state());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", e.rows());
        r.put("loss", e.loss());
        r.put("accuracy", e.accuracy());
        System.out.print(Json.write(r));
      }
      return 0;
    }
  }

  @Command(name = "predict", mixinStandardHelpOptions = true,
      description = "Batch prediction on Spark: one predicted class per line in input order "
          + "(the course format), or Parquet with the probabilities, written by the executors.")
  static final class Predict implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "URI", description = "a model "
        + "file, or a published train output folder") String model;

    @Option(names = "--features", required = true, paramLabel = "URI",
        description = "IDX images, a *_vectors.csv file, LibSVM, or a Parquet/CSV table")
    String features;

    @Option(names = "--output", required = true, paramLabel = "URI") String output;

    @Option(names = "--format", defaultValue = "lines", description = "lines: one class per "
        + "line; parquet: a Parquet folder with row, prediction, probabilities (${DEFAULT-VALUE})")
    String format;

    @CommandLine.Mixin TableOptions table = new TableOptions();

    @CommandLine.Mixin SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() throws Exception {
      if (!format.equals("lines") && !format.equals("parquet")) {
        throw new IllegalArgumentException("--format must be lines or parquet, got '" + format
            + "'");
      }
      try (JavaSparkContext sc = spark.start("sparkprop predict")) {
        Fs fs = new Fs(sc.hadoopConfiguration());
        String file = fs.modelFile(model);
        Model m = ModelCodec.decode(fs.readAll(file), Fs.redact(file));
        if (format.equals("parquet") && fs.exists(output)) {
          throw new IllegalArgumentException(Fs.redact(output) + ": already exists (Parquet "
              + "predictions are not written over an existing folder)");
        }
        int parts = spark.partitions > 0 ? spark.partitions : sc.defaultParallelism();
        ModelInput in = modelInput(sc, fs, m, features, null, false, table, parts, "predict");
        long n;
        if (format.equals("lines")) {
          try (Evaluator.Classes c = Evaluator.classes(sc, in.blocks(), m.spec(), m.params(),
              m.state())) {
            fs.write(output, c.lines());
            n = c.rows();
          }
        } else {
          n = PredictionsParquet.write(sc, in.blocks(), in.layout(), m.spec(), m.params(),
              m.state(), output);
        }
        System.out.printf(Locale.ROOT, "wrote %d predictions to %s%n", n, Fs.redact(output));
      }
      return 0;
    }
  }
}
