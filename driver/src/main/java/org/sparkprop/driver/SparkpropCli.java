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
import org.sparkprop.trainer.loss.SoftmaxCrossEntropy;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.EpochMetrics;
import org.sparkprop.trainer.train.Evaluation;
import org.sparkprop.trainer.train.TrainConfig;
import org.sparkprop.trainer.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sparkprop} command line: train, evaluate, predict. This build trains on one
 * machine with the trainer's data-parallel threads; the Spark path arrives with the driver
 * issue behind the same flags. Exit codes: 0 ok, 1 runtime failure (bad data, divergence),
 * 2 bad usage.
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

  /** Data flags shared by the subcommands. */
  static final class DataOptions {
    @Option(names = "--fashion-mnist", paramLabel = "DIR",
        description = "Fashion-MNIST IDX folder (default: /usr/share/datasets/fashion-mnist). "
            + "Used when no --train-* files are given.")
    Path fashionMnist;

    @Option(names = "--train-features", paramLabel = "FILE",
        description = "training features: IDX images (.gz or plain) or the course *_vectors.csv")
    Path trainFeatures;

    @Option(names = "--train-labels", paramLabel = "FILE") Path trainLabels;

    @Option(names = "--test-features", paramLabel = "FILE") Path testFeatures;

    @Option(names = "--test-labels", paramLabel = "FILE") Path testLabels;

    @Option(names = "--classes", defaultValue = "10", description = "number of classes (${DEFAULT-VALUE})")
    int classes;

    Dataset[] load() throws IOException {
      if (trainFeatures == null && testFeatures == null) {
        return DataSource.fashionMnist(fashionMnist);
      }
      if (trainFeatures == null || trainLabels == null || testFeatures == null
          || testLabels == null) {
        throw new IllegalArgumentException("give all four of --train-features, --train-labels, "
            + "--test-features, --test-labels (or none, for Fashion-MNIST)");
      }
      return new Dataset[] {DataSource.read(trainFeatures, trainLabels, classes),
          DataSource.read(testFeatures, testLabels, classes)};
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train a model; write model.spkm, metrics.json, metrics.csv and predictions to --out.")
  static final class Train implements Callable<Integer> {
    @CommandLine.ArgGroup(exclusive = false) DataOptions data = new DataOptions();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

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

    @Option(names = "--batch", defaultValue = "128") int batch;

    @Option(names = "--patience", defaultValue = "0", description = "early stopping patience in epochs; 0 = off")
    int patience;

    @Option(names = "--val-fraction", defaultValue = "0.1",
        description = "validation split carved from the training data (${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--scaling", defaultValue = "scale255",
        description = "scale255, standardize, none (${DEFAULT-VALUE})")
    String scaling;

    @Option(names = "--seed", defaultValue = "42") long seed;

    @Option(names = "--threads", defaultValue = "2",
        description = "data-parallel threads (${DEFAULT-VALUE}); results are deterministic per seed and thread count")
    int threads;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      MlpSpec spec = buildSpec();
      Dataset[] raw = data.load();
      if (raw[0].features() != spec.inputs()) {
        throw new IllegalArgumentException("the data has " + raw[0].features()
            + " features per row but --arch " + arch + " takes " + spec.inputs());
      }
      Normalizer norm = Normalizer.fit(scaling, raw[0].x(), raw[0].rows(), raw[0].features());
      Dataset[] split = norm.apply(raw[0]).split(valFraction, seed);
      Dataset test = norm.apply(raw[1]);
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      int nThreads = threads;
      long stepsPerEpoch = (split[0].rows() + batch - 1) / batch;
      TrainConfig cfg = new TrainConfig(epochs, batch,
          new OptimizerConfig(optimizer, momentum, beta1, beta2, eps, rho,
              optimizer.equalsIgnoreCase("adamw") ? weightDecay : 0f),
          lr, new LrSchedule(schedule, Math.round(warmupEpochs * stepsPerEpoch),
              Math.max(1, Math.round(decayEvery * stepsPerEpoch)), gamma, 0),
          l2, clipNorm, patience, true, seed, Math.min(nThreads, batch));
      Map<String, Object> resolved = resolvedConfig(spec, cfg);
      System.out.println("sparkprop train: " + Json.write(resolved).trim());
      System.out.println("kernel: " + Kernels.newGemm().name() + " (" + Kernels.selectionReason()
          + "), threads: " + cfg.threads() + ", train/validation/test rows: " + split[0].rows()
          + "/" + split[1].rows() + "/" + test.rows());
      List<EpochMetrics> epochsSeen = new ArrayList<>();
      Trainer.Result result;
      Evaluation testEval;
      Map<String, Double> milestones = new LinkedHashMap<>();
      long tTrain = System.nanoTime();
      int[] testPred;
      int[] trainPred;
      try (Trainer t = new Trainer(spec, cfg)) {
        float[][] ps = t.initialise();
        result = t.fit(split[0], split[1], ps[0], ps[1], m -> {
          epochsSeen.add(m);
          System.out.println(m.line());
        });
        testEval = t.evaluate(test, ps[0], ps[1]);
        double trainSeconds = (System.nanoTime() - tTrain) / 1e9;
        milestones.put("train_seconds", trainSeconds);
        Mlp mlp = t.engine();
        testPred = predict(mlp, ps[0], ps[1], test);
        trainPred = predict(mlp, ps[0], ps[1], norm.apply(raw[0]));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("config", Json.write(resolved).trim());
        meta.put("test_accuracy", Double.toString(testEval.accuracy()));
        meta.put("format", "sparkprop model v" + ModelCodec.VERSION);
        Model model = new Model(spec, norm, ps[0], ps[1], meta);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("config", resolved);
        metrics.put("kernel", Kernels.newGemm().name());
        metrics.put("epochs", epochRows(epochsSeen));
        metrics.put("best_epoch", result.bestEpoch());
        metrics.put("stopped_early", result.stoppedEarly());
        metrics.put("test_loss", testEval.loss());
        metrics.put("test_accuracy", testEval.accuracy());
        metrics.put("seconds", Map.of("data_loading", loadSeconds, "training", trainSeconds,
            "total", (System.nanoTime() - t0) / 1e9));
        metrics.put("confusion_matrix", confusion(testPred, test, spec.outputs()));
        // Everything is computed before anything is written: a failure leaves no partial output.
        Files.createDirectories(out);
        ModelCodec.save(model, out.resolve("model.spkm"));
        Outputs.writeString(out.resolve("metrics.json"), Json.write(metrics));
        Outputs.writeString(out.resolve("metrics.csv"), metricsCsv(epochsSeen));
        Outputs.writeString(out.resolve("test_predictions.csv"), lines(testPred));
        Outputs.writeString(out.resolve("train_predictions.csv"), lines(trainPred));
      }
      System.out.printf(Locale.ROOT, "test accuracy %.4f, loss %.4f; wrote %s%n",
          testEval.accuracy(), testEval.loss(), out);
      return 0;
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
      c.put("threads", cfg.threads());
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

  static List<Object> confusion(int[] pred, Dataset d, int k) {
    long[][] c = new long[k][k];
    for (int i = 0; i < pred.length; i++) {
      c[d.label(i)][pred[i]]++;
    }
    List<Object> rows = new ArrayList<>();
    for (long[] row : c) {
      List<Object> r = new ArrayList<>();
      for (long v : row) {
        r.add(v);
      }
      rows.add(r);
    }
    return rows;
  }

  /** Argmax class per row of d (already scaled), in input order. */
  static int[] predict(Mlp mlp, float[] p, float[] s, Dataset d) {
    int k = mlp.spec().outputs();
    int chunk = mlp.maxBatch();
    int f = d.features();
    int[] out = new int[d.rows()];
    float[] x = new float[chunk * f];
    for (int start = 0; start < d.rows(); start += chunk) {
      int m = Math.min(chunk, d.rows() - start);
      System.arraycopy(d.x(), start * f, x, 0, m * f);
      float[] o = mlp.forward(p, s, x, m, false);
      for (int r = 0; r < m; r++) {
        out[start + r] = SoftmaxCrossEntropy.argmax(o, r * k, k);
      }
    }
    return out;
  }

  static String lines(int[] v) {
    StringBuilder b = new StringBuilder(v.length * 2);
    for (int x : v) {
      b.append(x).append('\n');
    }
    return b.toString();
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Accuracy and loss of a saved model on labelled data, as JSON.")
  static final class Evaluate implements Callable<Integer> {
    @Option(names = "--model", required = true) Path model;

    @Option(names = "--features", required = true) Path features;

    @Option(names = "--labels", required = true) Path labels;

    @Override
    public Integer call() throws Exception {
      Model m = ModelCodec.load(model);
      Dataset d = DataSource.read(features, labels, m.spec().outputs());
      checkFeatures(m, d, features);
      Dataset scaled = m.normalizer().apply(d);
      try (Trainer t = new Trainer(m.spec(), org.sparkprop.trainer.train.TrainConfig.defaults(0)
          .withBatch(512))) {
        Evaluation e = t.evaluate(scaled, m.params(), m.state());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", e.rows());
        r.put("loss", e.loss());
        r.put("accuracy", e.accuracy());
        System.out.print(Json.write(r));
      }
      return 0;
    }
  }

  static void checkFeatures(Model m, Dataset d, Path file) {
    if (d.features() != m.spec().inputs()) {
      throw new IllegalArgumentException(file + ": rows have " + d.features()
          + " features, the model takes " + m.spec().inputs());
    }
  }

  @Command(name = "predict", mixinStandardHelpOptions = true,
      description = "One predicted class per line, in input order.")
  static final class Predict implements Callable<Integer> {
    @Option(names = "--model", required = true) Path model;

    @Option(names = "--features", required = true,
        description = "IDX images or a *_vectors.csv file") Path features;

    @Option(names = "--output", required = true) Path output;

    @Override
    public Integer call() throws Exception {
      Model m = ModelCodec.load(model);
      if (!Files.isRegularFile(features)) {
        throw new java.io.FileNotFoundException(features + ": no such file");
      }
      Dataset d;
      try (InputStream in = Files.newInputStream(features)) {
        if (features.toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
          d = CsvReader.readVectors(in, features.toString());
        } else {
          IdxReader.Tensor tensor = IdxReader.read(in, features.toString());
          int n = tensor.dims()[0];
          d = new Dataset(tensor.values(), new float[n], n, n == 0 ? 1 : tensor.values().length / n, 1);
        }
      }
      checkFeatures(m, d, features);
      Mlp mlp = new Mlp(m.spec(), 512);
      int[] pred = predict(mlp, m.params(), m.state(), m.normalizer().apply(d));
      Outputs.writeString(output, lines(pred));
      try (PrintWriter w = new PrintWriter(System.out)) {
        w.printf("wrote %d predictions to %s%n", pred.length, output);
      }
      return 0;
    }
  }
}
