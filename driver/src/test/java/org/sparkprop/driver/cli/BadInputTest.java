package org.sparkprop.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkprop.driver.CliRun;
import org.sparkprop.driver.SparkpropCliTest;

/**
 * Every bad flag or input fails with its exit code (2 bad usage, 1 bad data or a failed run)
 * and one error line that names the flag, file, line or field; nothing is written. Flag
 * errors are found before Spark starts.
 */
class BadInputTest {
  @TempDir static Path dir;

  @BeforeAll
  static void data() throws Exception {
    SparkpropCliTest.writeCsv(dir, "train", 40, 1);
    SparkpropCliTest.writeCsv(dir, "test", 10, 2);
    Files.writeString(dir.resolve("bad_vectors.csv"), "1,2,3,4\n1,2,x,4\n");
    Files.writeString(dir.resolve("short_labels.csv"), "0\n1\n");
    Files.writeString(dir.resolve("big_labels.csv"), "0\n1\n0\n2\n0\n1\n0\n1\n0\n1\n");
    Files.writeString(dir.resolve("junk.spkm"), "not a model");
  }

  /** (case, exit code, error line with DIR for the data folder, flags after the defaults). */
  static Stream<Arguments> trainCases() {
    return Stream.of(
        train("optimizer", 2, "--optimizer: unknown optimizer 'lbfgs' (adagrad, adam, adamw, "
            + "momentum, nesterov, rmsprop, sgd)", "--optimizer", "lbfgs"),
        train("online with batch norm", 2, "--batch 1 with batch normalisation: one row's "
            + "batch statistics are degenerate (its variance is 0); use --no-batch-norm for "
            + "online learning", "--batch", "1", "--batch-norm"),
        train("outputs and classes", 2, "--classes 2 does not match --arch 4-8-3: its output "
            + "layer has 3 units, and softmax_ce takes one per class", "--arch", "4-8-3"),
        train("too few outputs", 2, "--loss: softmax_ce needs one output per class (2 or "
            + "more); for binary classification with one output use sigmoid_bce", "--arch",
            "4-8-1", "--loss", "softmax_ce"),
        train("one-hot width", 2, "--classes 2 does not match --arch 4-8-3: its output layer "
            + "has 3 units, and mse takes one per class (the labels one-hot encoded)",
            "--arch", "4-8-3", "--loss", "mse"),
        train("regression loss", 2, "--loss: regression is fitted with squared error (mse, or "
            + "sigmoid_mse for targets in [0, 1]), not sigmoid_bce", "--task", "regression",
            "--arch", "4-8-1", "--loss", "sigmoid_bce"),
        train("multilabel softmax", 2, "--loss: multilabel targets need one independent "
            + "output per label (sigmoid_bce, sigmoid_mse or mse), not softmax_ce, whose "
            + "outputs compete", "--task", "multilabel", "--loss", "softmax_ce"),
        train("output activation", 2, "--output-activation: softmax outputs do not go with "
            + "mse: softmax takes softmax_ce, sigmoid takes sigmoid_bce or mse, identity takes "
            + "mse", "--loss", "mse", "--output-activation", "softmax"),
        train("unknown output activation", 2, "--output-activation: unknown output activation "
            + "'relu' (softmax, sigmoid, identity)", "--output-activation", "relu"),
        train("task", 2, "--task: unknown task 'ranking' (classification, regression, "
            + "multilabel)", "--task", "ranking"),
        train("threshold", 2, "--threshold must be in (0, 1), got 1.5", "--threshold", "1.5"),
        train("binary sigmoid classes", 2, "--loss sigmoid_bce with one output is binary "
            + "classification: it needs --classes 2 (labels 0 and 1), got 3", "--arch", "4-8-1",
            "--loss", "sigmoid_bce", "--classes", "3"),
        train("arch width", 2, "the data has 4 features per row but --arch 5-8-2 takes 5",
            "--arch", "5-8-2"),
        train("arch text", 2, "--arch: architecture '4-x-2': 'x' is not a layer size "
            + "(expected e.g. 784-256-128-10)", "--arch", "4-x-2"),
        train("arch one layer", 2, "--arch: '4' needs at least an input and an output size "
            + "(e.g. 784-256-10)", "--arch", "4"),
        train("activation", 2, "--activation: unknown activation 'swish' (identity, step, "
            + "sigmoid[:λ], tanh[:λ], relu, leaky_relu[:α], elu[:α], softplus, softmax, "
            + "maxout[:k])",
            "--activation", "swish"),
        train("step units", 2, "--activation step: the binary step has no gradient, so "
            + "backpropagation cannot train it; train one layer of step units with sparkprop "
            + "perceptron", "--activation", "step"),
        train("activation count", 2, "--activation lists 2 activations for 1 hidden layers",
            "--activation", "relu,tanh"),
        train("loss", 2, "--loss: unknown loss 'hinge' (softmax_ce, sigmoid_bce, mse, "
            + "sigmoid_mse)",
            "--loss", "hinge"),
        train("init", 2, "--init: unknown init 'zeros' (xavier_uniform, xavier_normal, "
            + "he_normal, he_uniform, small_uniform, lecun_normal, auto)", "--init", "zeros"),
        train("sync", 2, "Invalid value for option '--sync': expected one of gradient, params, "
            + "got 'sometimes'", "--sync", "sometimes"),
        train("sync and exchange", 2, "--sync params needs --exchange ring or direct (the "
            + "local optimizer state lives in the epoch's long-running task)", "--sync",
            "params", "--exchange", "spark"),
        train("wire precision and exchange", 2, "--wire-precision bf16 needs --exchange ring "
            + "and --sync gradient (it is the ring's gradient reduce-scatter that it halves)",
            "--wire-precision", "bf16", "--exchange", "direct"),
        train("wire precision", 2, "Invalid value for option '--wire-precision': expected one "
            + "of fp32, bf16, got 'fp8'", "--wire-precision", "fp8"),
        train("bucket size", 2, "--bucket-kib must be ≥ 1, got 0", "--bucket-kib", "0"),
        train("average every", 2, "--average-every must be ≥ 1, got 0", "--sync", "params",
            "--average-every", "0"),
        train("device", 2, "Invalid value for option '--device': expected one of auto, cpu, "
            + "gpu, got 'tpu'", "--device", "tpu"),
        train("device and batch norm", 2, "--device gpu: batch normalisation is not "
            + "implemented on the GPU", "--device", "gpu", "--batch-norm"),
        train("partitions over slots", 2, "--partitions 3 exceeds the 2 task slots of "
            + "local[2]: the ring exchange runs every partition at once (a barrier stage); "
            + "use --partitions ≤ 2 or --exchange spark", "--partitions", "3"),
        train("partitions over rows", 2, "--partitions 40 exceeds the 36 training rows",
            "--partitions", "40", "--exchange", "spark"),
        train("batch", 2, "--batch must be ≥ 1, got 0", "--batch", "0"),
        train("epochs", 2, "--epochs must be ≥ 1, got 0", "--epochs", "0"),
        train("dropout", 2, "--dropout must be in [0, 1), got 1", "--dropout", "1"),
        train("lr", 2, "--lr must be > 0, got -1", "--lr", "-1"),
        train("momentum", 2, "--momentum must be in [0, 1), got 1.5", "--optimizer",
            "momentum", "--momentum", "1.5"),
        train("weight decay without adamw", 2, "--weight-decay has no effect with --optimizer "
            + "sgd (it applies to adamw); --l2 is coupled L2 for any optimizer", "--optimizer",
            "sgd", "--weight-decay", "0.1"),
        train("momentum with adam", 2, "--momentum has no effect with --optimizer adamw (it "
            + "applies to momentum, nesterov)", "--momentum", "0.5"),
        train("rho with adam", 2, "--rho has no effect with --optimizer adam (it applies to "
            + "rmsprop)", "--optimizer", "adam", "--rho", "0.9"),
        train("gamma with cosine", 2, "--gamma has no effect with --schedule cosine (it "
            + "applies to step, exponential)", "--gamma", "0.1"),
        train("val fraction", 2, "--val-fraction must be in [0, 1), got 1",
            "--val-fraction", "1"),
        train("schedule", 2, "--schedule: unknown schedule 'linear' (constant, step, "
            + "exponential, cosine)", "--schedule", "linear"),
        train("scaling", 2, "Invalid value for option '--scaling': expected one of scale255, "
            + "standardize, none, got 'minmax'", "--scaling", "minmax"),
        train("lr scaling", 2, "Invalid value for option '--lr-scaling': expected one of "
            + "linear, sqrt, none, got 'cubic'", "--lr-scaling", "cubic"),
        train("input format", 2, "Invalid value for option '--input-format': expected one of "
            + "auto, idx, course-csv, libsvm, parquet, csv, got 'xml'", "--input-format",
            "xml"),
        train("classes", 2, "--classes must be ≥ 1, got 0", "--classes", "0"),
        train("conf", 2, "--conf expects KEY=VALUE, got 'novalue'", "--conf", "novalue"),
        train("not a number", 2, "Invalid value for option '--batch': 'many' is not an int",
            "--batch", "many"),
        train("resume elsewhere", 2, "--resume and --checkpoint-dir name different folders; "
            + "give one (resuming keeps checkpointing into the same folder)", "--resume",
            "DIR/a", "--checkpoint-dir", "DIR/b"),
        train("bad field", 1, "DIR/bad_vectors.csv, line 2, field 3: 'x' is not a number",
            "--test-features",
            "DIR/bad_vectors.csv"),
        train("missing file", 1, "DIR/none_vectors.csv: no such file", "--test-features",
            "DIR/none_vectors.csv"),
        train("too few labels", 1, "DIR/short_labels.csv: 2 labels for 10 rows of "
            + "DIR/test_vectors.csv", "--test-labels",
            "DIR/short_labels.csv"),
        train("one class", 2, "--loss sigmoid_bce with one output is binary classification: "
            + "it needs --classes 2 (labels 0 and 1), got 1", "--classes", "1", "--arch",
            "4-8-1"),
        train("label out of range", 1, "DIR/big_labels.csv, line 4: label 2 is not a class in "
            + "[0, 2)", "--test-labels", "DIR/big_labels.csv"),
        train("regression target width", 1, "DIR/train_labels.csv, line 1: 1 value, the "
            + "network has 2 outputs", "--task", "regression", "--arch", "4-8-2"),
        train("multilabel target width", 1, "DIR/train_labels.csv, line 1: 1 value, the "
            + "network has 2 outputs (one 0/1 flag per label)", "--task", "multilabel",
            "--arch", "4-8-2"),
        train("class names", 2, "--class-names lists 3 names for --classes 2",
            "--class-names", "a,b,c"));
  }

  private static Arguments train(String name, int code, String error, String... flags) {
    return Arguments.of(name, code, error, List.of(flags));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainCases")
  void trainFailsClearlyAndWritesNothing(String name, int code, String error,
      List<String> flags) {
    Path out = dir.resolve("out-" + name.replace(' ', '-'));
    List<String> args = new ArrayList<>(List.of(SparkpropCliTest.trainArgs(dir, out)));
    for (String f : flags) {
      args.add(f.replace("DIR", dir.toString()));
    }
    CliRun run = CliRun.of(args.toArray(new String[0]));
    assertEquals(error.replace("DIR", dir.toString()), run.error(), run.toString());
    assertEquals(code, run.code(), run.toString());
    assertFalse(Files.exists(out), "nothing written for " + name);
  }

  static Stream<Arguments> otherCases() {
    return Stream.of(
        Arguments.of("train without --out", 2, "Missing required option: '--out=URI'",
            List.of("train", "--epochs", "3")),
        Arguments.of("unknown command", 2, "Unmatched argument at index 0: 'fit'",
            List.of("fit")),
        Arguments.of("junk model", 1, "DIR/junk.spkm: 11 bytes is too short for a model",
            List.of("predict", "--model", "DIR/junk.spkm", "--features",
                "DIR/test_vectors.csv", "--output", "DIR/p.csv", "--master", "local[1]")),
        Arguments.of("missing model", 1, "DIR/none.spkm: no such model file or folder",
            List.of("evaluate", "--model", "DIR/none.spkm", "--features",
                "DIR/test_vectors.csv", "--labels", "DIR/test_labels.csv", "--master",
                "local[1]")),
        Arguments.of("predict threshold", 2, "--threshold must be in (0, 1), got 2.0",
            List.of("predict", "--model", "DIR/junk.spkm", "--features",
                "DIR/test_vectors.csv", "--output", "DIR/p.csv", "--threshold", "2")),
        Arguments.of("mc samples", 2, "--mc-samples must be ≥ 0, got -1",
            List.of("predict", "--model", "DIR/junk.spkm", "--features",
                "DIR/test_vectors.csv", "--output", "DIR/p.csv", "--mc-samples", "-1")),
        Arguments.of("perceptron epochs", 2, "--epochs must be ≥ 1, got 0",
            List.of("perceptron", "--out", "DIR/p.csv", "--arch", "4-1", "--classes", "2",
                "--epochs", "0")),
        Arguments.of("predict format", 2, "Invalid value for option '--format': expected one "
            + "of lines, parquet, got 'json'", List.of("predict", "--model", "DIR/junk.spkm",
            "--features", "DIR/test_vectors.csv", "--output", "DIR/p.csv", "--format",
            "json")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherCases")
  void otherCommandsFailClearly(String name, int code, String error, List<String> args) {
    CliRun run = CliRun.of(args.stream().map(a -> a.replace("DIR", dir.toString()))
        .toArray(String[]::new));
    assertEquals(error.replace("DIR", dir.toString()), run.error(), run.toString());
    assertEquals(code, run.code(), run.toString());
    assertFalse(Files.exists(dir.resolve("p.csv")));
  }
}
