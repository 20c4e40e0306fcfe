package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.trainer.io.ModelCodec;
import org.sparkprop.trainer.loss.Task;

/**
 * Regression, multi-label and one-hot classification end to end on Spark with 2 partitions,
 * from tables and files the tests write: train to a stated quality, then evaluate and predict
 * from the saved model and get the training run's numbers and predictions back.
 */
class TasksCliTest {
  private static final String[] SMALL = {"--no-batch-norm", "--dropout", "0", "--batch", "32",
      "--lr", "0.01", "--weight-decay", "0", "--master", "local[2]", "--partitions", "2"};

  private static String[] args(List<String> head) {
    List<String> a = new ArrayList<>(head);
    a.addAll(List.of(SMALL));
    return a.toArray(new String[0]);
  }

  /** y = sin(x1) + x2² + N(0, 0.05²), x uniform in [-2, 2]², as a CSV table with a header. */
  private static void regressionTable(Path file, int rows, long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder b = new StringBuilder("x1,y,x2\n");
    for (int i = 0; i < rows; i++) {
      double x1 = r.nextDouble(-2, 2);
      double x2 = r.nextDouble(-2, 2);
      double y = Math.sin(x1) + x2 * x2 + 0.05 * r.nextGaussian();
      b.append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f%n", x1, y, x2));
    }
    Files.writeString(file, b);
  }

  @Test
  void regressionFitsTheCurveAndPredictsValues(@TempDir Path d) throws Exception {
    regressionTable(d.resolve("train.csv"), 1500, 1);
    regressionTable(d.resolve("test.csv"), 400, 2);
    Path out = d.resolve("out");
    CliRun run = CliRun.of(args(List.of("train", "--out", out.toString(), "--task",
        "regression", "--arch", "2-32-32-1", "--train-features", d.resolve("train.csv")
        .toString(), "--test-features", d.resolve("test.csv").toString(), "--input-format",
        "csv", "--label-col", "y", "--scaling", "standardize", "--epochs", "20")));
    assertEquals(0, run.code(), run.toString());
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    double rmse = m.get("test_rmse").asDouble();
    // The noise alone is 0.05; a model that learned the curve gets well under 0.15.
    assertTrue(rmse < 0.15, "test RMSE " + rmse);
    assertTrue(m.get("test_r2").asDouble() > 0.98, m.get("test_r2").toString());
    assertTrue(m.get("test_mae").asDouble() < rmse, "MAE below RMSE");
    assertTrue(m.get("test_accuracy").isNull(), "no accuracy for regression");
    assertEquals("regression", m.get("config").get("task").asText());
    JsonNode last = m.get("epochs").get(19);
    assertTrue(last.get("validation_rmse").asDouble() < 0.15, last.toString());
    assertEquals(Math.sqrt(2 * last.get("train_loss").asDouble()),
        last.get("train_rmse").asDouble(), 1e-12, "train RMSE from the ½Σ loss");
    assertTrue(Files.readString(out.resolve("metrics.csv")).startsWith("epoch,train_loss,"
        + "train_accuracy,validation_loss,validation_accuracy,lr,seconds,samples_per_second,"
        + "mean_gradient_norm,train_rmse,validation_rmse,validation_mae,validation_r2,"
        + "hidden1_mean,"));
    assertTrue(Files.exists(out.resolve("predicted_vs_true.png")));
    assertTrue(Files.exists(out.resolve("task_metrics.png")));
    assertTrue(Files.readString(out.resolve("report.html")).contains("Test RMSE <b>"));
    assertEquals(Task.REGRESSION, ModelCodec.load(out.resolve("model.spkm")).spec().task());

    // The test predictions are values; the saved model evaluates to the run's test RMSE.
    List<String> predicted = Files.readAllLines(out.resolve("test_predictions.csv"));
    assertEquals(400, predicted.size());
    List<String> test = Files.readAllLines(d.resolve("test.csv"));
    double sse = 0;
    for (int i = 0; i < 400; i++) {
      double y = Double.parseDouble(test.get(i + 1).split(",")[1]);
      double e = Double.parseDouble(predicted.get(i)) - y;
      sse += e * e;
    }
    assertEquals(rmse, Math.sqrt(sse / 400), 1e-5, "the lines are the evaluated predictions");
    CliRun eval = CliRun.of("evaluate", "--model", out.toString(), "--features",
        d.resolve("test.csv").toString(), "--input-format", "csv", "--label-col", "y",
        "--master", "local[2]");
    assertEquals(0, eval.code(), eval.toString());
    assertEquals(rmse, TestJson.parse(eval.out()).get("rmse").asDouble(), 1e-9);
    Path lines = d.resolve("pred.csv");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.toString(), "--features",
        d.resolve("test.csv").toString(), "--input-format", "csv", "--label-col", "y",
        "--output", lines.toString(), "--master", "local[2]"));
    assertEquals(predicted, Files.readAllLines(lines));
    // Monte Carlo dropout with one sample and no dropout is the plain prediction, with zero
    // variance after a tab.
    Path mc = d.resolve("mc.csv");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.toString(), "--features",
        d.resolve("test.csv").toString(), "--input-format", "csv", "--label-col", "y",
        "--output", mc.toString(), "--mc-samples", "1", "--master", "local[2]"));
    List<String> sampled = Files.readAllLines(mc);
    for (int i = 0; i < 400; i++) {
      assertEquals(predicted.get(i) + "\t0.0", sampled.get(i), "row " + i);
    }
  }

  /**
   * A model trained with dropout: Monte Carlo dropout's mean stays close to the plain
   * prediction, every row's variance is positive, and Parquet carries it as a column.
   */
  @Test
  void monteCarloDropoutGivesAPositiveSpreadAroundThePrediction(@TempDir Path d)
      throws Exception {
    regressionTable(d.resolve("train.csv"), 1500, 1);
    regressionTable(d.resolve("test.csv"), 200, 3);
    Path out = d.resolve("out");
    List<String> head = new ArrayList<>(List.of("train", "--out", out.toString(), "--task",
        "regression", "--arch", "2-64-64-1", "--train-features", d.resolve("train.csv")
        .toString(), "--test-features", d.resolve("test.csv").toString(), "--input-format",
        "csv", "--label-col", "y", "--scaling", "standardize", "--epochs", "10"));
    head.addAll(List.of(SMALL));
    head.addAll(List.of("--dropout", "0.1"));
    CliRun run = CliRun.of(head.toArray(new String[0]));
    assertEquals(0, run.code(), run.toString());
    List<String> plain = Files.readAllLines(out.resolve("test_predictions.csv"));
    Path mc = d.resolve("mc.csv");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.toString(), "--features",
        d.resolve("test.csv").toString(), "--input-format", "csv", "--label-col", "y",
        "--output", mc.toString(), "--mc-samples", "50", "--seed", "7", "--master",
        "local[2]"));
    List<String> sampled = Files.readAllLines(mc);
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < 200; i++) {
      String[] f = sampled.get(i).split("\t");
      assertTrue(Double.parseDouble(f[1]) > 0, "row " + i + ": " + sampled.get(i));
      diff += Math.abs(Double.parseDouble(f[0]) - Double.parseDouble(plain.get(i)));
      scale += Math.abs(Double.parseDouble(plain.get(i)));
    }
    assertTrue(diff < 0.1 * scale, "mean |MC − plain| " + diff / 200 + ", mean |plain| "
        + scale / 200);
    Path again = d.resolve("again.csv");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.toString(), "--features",
        d.resolve("test.csv").toString(), "--input-format", "csv", "--label-col", "y",
        "--output", again.toString(), "--mc-samples", "50", "--seed", "7", "--master",
        "local[2]"));
    assertEquals(sampled, Files.readAllLines(again), "the same seed, the same numbers");
    Path pq = d.resolve("mc.parquet");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.toString(), "--features",
        d.resolve("test.csv").toString(), "--input-format", "csv", "--label-col", "y",
        "--output", pq.toString(), "--format", "parquet", "--mc-samples", "50", "--seed", "7",
        "--master", "local[2]"));
    try (JavaSparkContext sc = TestSpark.start("local[1]")) {
      List<Row> rows = SparkSession.builder().sparkContext(sc.sc()).getOrCreate().read()
          .parquet(pq.toString()).orderBy("row").collectAsList();
      assertEquals(200, rows.size());
      for (int i = 0; i < 200; i++) {
        String[] f = sampled.get(i).split("\t");
        assertEquals(Float.parseFloat(f[0]), rows.get(i).getFloat(1), "row " + i);
        assertEquals(Float.parseFloat(f[1]), rows.get(i).getFloat(2), "row " + i);
      }
    }
  }

  /**
   * Two real targets per row from LibSVM (y1 = x1 − x2, y2 = 2·x1·x2): comma-separated labels,
   * two outputs, predictions written as two values per line.
   */
  @Test
  void severalRegressionTargetsFromLibSvm(@TempDir Path d) throws Exception {
    for (String name : List.of("train", "test")) {
      SplittableRandom r = new SplittableRandom(name.length());
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < (name.equals("train") ? 1200 : 200); i++) {
        double x1 = r.nextDouble(-1, 1);
        double x2 = r.nextDouble(-1, 1);
        b.append(String.format(Locale.ROOT, "%.6f,%.6f 1:%.6f 2:%.6f%n", x1 - x2, 2 * x1 * x2,
            x1, x2));
      }
      Files.writeString(d.resolve(name + ".libsvm"), b);
    }
    Path out = d.resolve("out");
    CliRun run = CliRun.of(args(List.of("train", "--out", out.toString(), "--task",
        "regression", "--arch", "2-32-2", "--activation", "tanh", "--train-features",
        d.resolve("train.libsvm").toString(), "--test-features", d.resolve("test.libsvm")
        .toString(), "--scaling", "none", "--epochs", "20")));
    assertEquals(0, run.code(), run.toString());
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    assertTrue(m.get("test_rmse").asDouble() < 0.1, m.get("test_rmse").toString());
    List<String> predicted = Files.readAllLines(out.resolve("test_predictions.csv"));
    assertEquals(200, predicted.size());
    assertEquals(2, predicted.get(0).split(",").length, predicted.get(0));
  }

  /**
   * Three labels per row from a Parquet array column: learned to a stated subset accuracy;
   * predictions are the label sets, and a higher threshold at prediction time only removes
   * labels.
   */
  @Test
  void multilabelFromParquetLearnsTheLabelSets(@TempDir Path d) throws Exception {
    try (JavaSparkContext sc = TestSpark.start("local[1]")) {
      SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      StructType schema = new StructType()
          .add("features", DataTypes.createArrayType(DataTypes.DoubleType))
          .add("tags", DataTypes.createArrayType(DataTypes.DoubleType));
      SplittableRandom r = new SplittableRandom(5);
      for (String name : List.of("train", "test")) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < (name.equals("train") ? 1500 : 300); i++) {
          Double[] x = {r.nextDouble(-1, 1), r.nextDouble(-1, 1), r.nextDouble(-1, 1),
              r.nextDouble(-1, 1)};
          Double[] t = {x[0] > 0 ? 1.0 : 0, x[1] > x[2] ? 1.0 : 0, x[0] + x[3] > 0.5 ? 1.0 : 0};
          rows.add(RowFactory.create(x, t));
        }
        spark.createDataFrame(rows, schema).repartition(2).write()
            .parquet(d.resolve(name + ".parquet").toString());
      }
    }
    Path out = d.resolve("out");
    CliRun run = CliRun.of(args(List.of("train", "--out", out.toString(), "--task",
        "multilabel", "--arch", "4-32-3", "--train-features", d.resolve("train.parquet")
        .toString(), "--test-features", d.resolve("test.parquet").toString(), "--label-col",
        "tags", "--scaling", "none", "--epochs", "20")));
    assertEquals(0, run.code(), run.toString());
    JsonNode m = TestJson.read(out.resolve("metrics.json"));
    double subset = m.get("test_subset_accuracy").asDouble();
    assertTrue(subset >= 0.9, "subset accuracy " + subset);
    assertEquals(1 - m.get("test_hamming_loss").asDouble(), m.get("test_accuracy").asDouble(),
        1e-12, "accuracy per label decision is 1 − Hamming loss at 0.5");
    assertTrue(m.get("test_micro_f1").asDouble() > 0.95, m.get("test_micro_f1").toString());
    assertTrue(m.get("epochs").get(0).has("validation_macro_f1"));
    List<String> sets = Files.readAllLines(out.resolve("test_predictions.csv"));
    assertEquals(300, sets.size());
    for (String s : sets) {
      assertTrue(s.matches("(\\d(,\\d)*)?"), "a label set: '" + s + "'");
    }
    Path strict = d.resolve("strict.csv");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.toString(), "--features",
        d.resolve("test.parquet").toString(), "--label-col", "tags", "--threshold", "0.95",
        "--output", strict.toString(), "--master", "local[2]"));
    List<String> fewer = Files.readAllLines(strict);
    int removed = 0;
    for (int i = 0; i < sets.size(); i++) {
      List<String> all = List.of(sets.get(i).split(","));
      for (String l : fewer.get(i).isEmpty() ? new String[0] : fewer.get(i).split(",")) {
        assertTrue(all.contains(l), "row " + i + ": " + fewer.get(i) + " ⊆ " + sets.get(i));
      }
      removed += sets.get(i).length() - fewer.get(i).length();
    }
    assertTrue(removed > 0, "a threshold of 0.95 drops some labels");
    Path pq = d.resolve("pred.parquet");
    assertEquals(0, SparkpropCli.run("predict", "--model", out.toString(), "--features",
        d.resolve("test.parquet").toString(), "--label-col", "tags", "--format", "parquet",
        "--output", pq.toString(), "--master", "local[2]"));
    try (JavaSparkContext sc = TestSpark.start("local[1]")) {
      List<Row> rows = SparkSession.builder().sparkContext(sc.sc()).getOrCreate().read()
          .parquet(pq.toString()).orderBy("row").collectAsList();
      assertEquals(300, rows.size());
      for (int i = 0; i < 300; i++) {
        List<Integer> labels = rows.get(i).getList(1);
        StringBuilder b = new StringBuilder();
        for (int l : labels) {
          b.append(b.length() == 0 ? "" : ",").append(l);
        }
        assertEquals(sets.get(i), b.toString(), "row " + i);
        assertEquals(3, rows.get(i).getList(2).size());
      }
    }
  }

  /**
   * Classes with a per-output loss: the labels are one-hot encoded (squared error over two
   * outputs, and sigmoid outputs one-vs-rest); both learn the two blobs.
   */
  @Test
  void perOutputLossesOnClassesAreOneHot(@TempDir Path d) throws Exception {
    SparkpropCliTest.writeCsv(d, "train", 200, 1);
    SparkpropCliTest.writeCsv(d, "test", 40, 2);
    for (String[] loss : List.of(new String[] {"--loss", "mse"},
        new String[] {"--output-activation", "sigmoid"})) {
      Path out = d.resolve("out" + loss[0]);
      List<String> head = new ArrayList<>(List.of(SparkpropCliTest.trainArgs(d, out,
          "--arch", "4-8-2", "--classes", "2", "--epochs", "30", "--class-names",
          "left,right")));
      head.addAll(List.of(loss));
      head.addAll(List.of(SMALL));
      head.addAll(List.of("--lr", "0.03"));
      CliRun run = CliRun.of(head.toArray(new String[0]));
      assertEquals(0, run.code(), run.toString());
      JsonNode m = TestJson.read(out.resolve("metrics.json"));
      assertTrue(m.get("test_accuracy").asDouble() >= 0.95, loss[0] + " test accuracy "
          + m.get("test_accuracy"));
      assertEquals(loss[0].equals("--loss") ? "mse" : "sigmoid_bce",
          m.get("config").get("loss").asText());
      assertArrayEquals(new int[] {2, 2}, new int[] {m.get("confusion_matrix").size(),
          m.get("confusion_matrix").get(0).size()});
      assertTrue(Files.readString(out.resolve("report.html")).contains("<th>1 right</th>"),
          "the class names head the confusion matrix");
    }
  }
}
