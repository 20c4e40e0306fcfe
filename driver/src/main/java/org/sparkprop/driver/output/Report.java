package org.sparkprop.driver.output;

import static org.sparkprop.driver.output.Charts.chart;
import static org.sparkprop.driver.output.Charts.png;
import static org.sparkprop.driver.output.Charts.scatter;
import static org.sparkprop.driver.output.Charts.series;
import static org.sparkprop.driver.output.Charts.timeChart;
import static org.sparkprop.driver.output.Charts.unitFractions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkprop.trainer.train.EpochMetrics;
import org.sparkprop.trainer.train.Evaluation;

/**
 * report.html, for a person in a browser, with PNG plots beside it: the result, the run's
 * configuration and data in words, where the time went (a chart and a table), the curves per
 * epoch (loss, accuracy, the task's measures, dead or saturated units, activation and gradient
 * magnitudes), every layer's statistics at the last epoch, and the test confusion matrix with
 * the class names, or predicted against true for regression. Returns the files as
 * (name → bytes); the caller writes them with everything else.
 */
public final class Report {
  private Report() {}

  /**
   * Regression's predicted-against-true plot: a sample of test rows' targets and predictions,
   * K values per row (row-major), plotted per output.
   */
  public record Scatter(float[] truth, float[] predicted, int k) {}

  /**
   * What the report shows: title; the resolved configuration and a description of the data
   * (name → value, in metrics.json's names); the history; the layer monitor (or null); the K×K
   * confusion counts over classes (0 when not classification) and their names (empty: the
   * indices); the test evaluation; the time split (metrics.json's "seconds"); the scatter.
   */
  public record Input(String title, Map<String, Object> config, Map<String, Object> data,
      List<EpochMetrics> history, LayerStats stats, long[] confusion, int classes,
      List<String> classNames, Evaluation test, Map<String, Object> timing, Scatter scatter) {}

  /** Human words for metrics.json's names. */
  private static final Map<String, String> LABELS = Map.ofEntries(
      Map.entry("data_loading", "data loading"), Map.entry("training", "training"),
      Map.entry("compute_seconds", "compute"), Map.entry("communication_seconds",
          "communication"), Map.entry("driver_update_seconds", "driver update"),
      Map.entry("evaluation_seconds", "evaluation"), Map.entry("checkpoint_seconds",
          "checkpoints"), Map.entry("syncs", "syncs"), Map.entry("communication_share",
          "communication share of training"), Map.entry("worker_bytes_per_sync",
          "bytes per worker per sync"), Map.entry("total", "total"),
      Map.entry("rmse", "RMSE"), Map.entry("mae", "mean absolute error"),
      Map.entry("r2", "R²"), Map.entry("subset_accuracy", "subset accuracy (every label right)"),
      Map.entry("hamming_loss", "Hamming loss (wrong label decisions)"),
      Map.entry("micro_f1", "micro F1"), Map.entry("macro_f1", "macro F1"),
      Map.entry("train_rmse", "train RMSE"), Map.entry("validation_rmse", "validation RMSE"),
      Map.entry("validation_mae", "validation MAE"), Map.entry("validation_r2",
          "validation R²"), Map.entry("validation_subset_accuracy",
          "validation subset accuracy"), Map.entry("validation_hamming_loss",
          "validation Hamming loss"), Map.entry("validation_micro_f1", "validation micro F1"),
      Map.entry("validation_macro_f1", "validation macro F1"));

  /** A name in words: the table above, else the name with spaces for underscores. */
  static String label(String key) {
    return LABELS.getOrDefault(key, key.replace('_', ' '));
  }

  public static Map<String, byte[]> build(Input in) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<EpochMetrics> history = in.history();
    Evaluation test = in.test();
    Map<String, byte[]> files = new LinkedHashMap<>();
    double[] ep = new double[history.size()];
    double[] trainLoss = new double[ep.length];
    double[] valLoss = new double[ep.length];
    double[] trainAcc = new double[ep.length];
    double[] valAcc = new double[ep.length];
    Map<String, double[]> taskSeries = new LinkedHashMap<>();
    for (int i = 0; i < ep.length; i++) {
      EpochMetrics m = history.get(i);
      ep[i] = m.epoch();
      trainLoss[i] = m.trainLoss();
      valLoss[i] = m.validationLoss();
      trainAcc[i] = m.trainAccuracy();
      valAcc[i] = m.validationAccuracy();
      for (Map.Entry<String, Double> e : m.task().entrySet()) {
        taskSeries.computeIfAbsent(label(e.getKey()), n -> new double[ep.length])[i] =
            e.getValue();
      }
    }
    files.put("time.png", png(timeChart(in.timing())));
    files.put("loss.png", png(chart("Loss per epoch", "loss", false,
        Map.of("train (training mode)", trainLoss, "validation", valLoss), ep)));
    if (ep.length > 0 && !Double.isNaN(trainAcc[0])) {
      files.put("accuracy.png", png(chart("Accuracy per epoch", "accuracy", false,
          Map.of("train (training mode)", trainAcc, "validation", valAcc), ep)));
    }
    if (!taskSeries.isEmpty()) {
      files.put("task_metrics.png", png(chart("Task measures per epoch", "value", false,
          taskSeries, ep)));
    }
    if (in.scatter() != null && in.scatter().truth().length > 0) {
      files.put("predicted_vs_true.png", png(scatter(in.scatter())));
    }
    LayerStats stats = in.stats();
    if (stats != null && !stats.activations.isEmpty()) {
      Map<String, double[]> units = unitFractions(stats, ep.length);
      if (!units.isEmpty()) {
        files.put("units.png", png(chart("Dead ReLUs and saturated units (monitor sample)",
            "fraction", false, units, ep)));
      }
      files.put("activations.png", png(chart("Activation RMS per layer (monitor sample)",
          "RMS", true, series(stats.activations), ep)));
      files.put("gradients.png", png(chart("Gradient RMS per parameter tensor", "RMS", true,
          series(stats.gradients), ep)));
    }
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(in.title())).append("</title><style>body{font-family:sans-serif;"
            + "max-width:1100px;margin:2em auto;color:#222}img{max-width:540px}"
            + "td,th{padding:2px 8px;text-align:right}th.k{text-align:left;font-weight:normal;"
            + "color:#555}table{border-collapse:collapse;margin-bottom:1em}"
            + "tr:nth-child(even){background:#f4f4f8}</style></head><body>\n");
    h.append("<h1>").append(esc(in.title())).append("</h1>\n");
    h.append("<p>").append(headline(in)).append("</p>\n");
    h.append("<h2>Test results</h2>");
    Map<String, Object> results = new LinkedHashMap<>();
    if (!Double.isNaN(test.accuracy())) {
      results.put("accuracy", test.accuracy());
    }
    results.put("loss (mean per row)", test.loss());
    test.metrics().forEach((n, v) -> results.put(label(n), v));
    results.put("rows", test.rows());
    table(h, results);
    h.append("<h2>The run</h2>");
    table(h, described(in.config()));
    h.append("<details><summary>every setting</summary>");
    Map<String, Object> all = new LinkedHashMap<>();
    in.config().forEach((k, v) -> all.put(label(k), v));
    table(h, all);
    h.append("</details>\n");
    h.append("<h2>The data</h2>");
    table(h, in.data());
    h.append("<h2>Where the time went</h2><img src=\"time.png\" alt=\"time split\">");
    Map<String, Object> time = new LinkedHashMap<>();
    in.timing().forEach((k, v) -> time.put(label(k) + (k.equals("syncs")
        || k.endsWith("share") || k.startsWith("worker_bytes") ? "" : " (s)"), v));
    table(h, time);
    h.append("<h2>Curves</h2>\n");
    for (String f : files.keySet()) {
      if (!f.equals("time.png")) {
        h.append("<img src=\"").append(f).append("\" alt=\"").append(f).append("\">\n");
      }
    }
    if (stats != null && !stats.activationStats.isEmpty()) {
      layerTable(h, stats);
    }
    confusion(h, in);
    h.append("</body></html>\n");
    files.put("report.html", h.toString().getBytes(StandardCharsets.UTF_8));
    return files;
  }

  private static String headline(Input in) {
    Evaluation t = in.test();
    String what;
    if (!Double.isNaN(t.accuracy()) && !t.metrics().containsKey("subset_accuracy")) {
      what = String.format(Locale.ROOT, "Test accuracy <b>%.2f %%</b>", 100 * t.accuracy());
    } else if (t.metrics().containsKey("subset_accuracy")) {
      what = String.format(Locale.ROOT, "Test subset accuracy <b>%.2f %%</b>, micro F1 "
          + "<b>%.4f</b>", 100 * t.metrics().get("subset_accuracy"), t.metrics().get("micro_f1"));
    } else if (t.metrics().containsKey("rmse")) {
      what = String.format(Locale.ROOT, "Test RMSE <b>%.4g</b>, R² <b>%.4f</b>",
          t.metrics().get("rmse"), t.metrics().get("r2"));
    } else {
      what = String.format(Locale.ROOT, "Test loss <b>%.4f</b>", t.loss());
    }
    Object train = in.timing().get("training");
    return what + String.format(Locale.ROOT, " after %d epochs%s.", in.history().size(),
        train instanceof Double d ? String.format(Locale.ROOT, " and %.1f s of training", d)
            : "");
  }

  /** The configuration in words: the settings a reader looks for first. */
  private static Map<String, Object> described(Map<String, Object> c) {
    Map<String, Object> d = new LinkedHashMap<>();
    put(d, "task", c.get("task"));
    put(d, "architecture", c.get("arch") == null ? null : c.get("arch") + " ("
        + c.get("parameters") + " parameters), hidden " + c.get("activation"));
    put(d, "loss and output", c.get("loss") + " over " + c.get("output_activation")
        + " outputs");
    put(d, "optimizer", c.get("optimizer") + ", learning rate " + c.get("lr") + ", "
        + c.get("schedule") + " schedule");
    put(d, "batch", c.get("batch") + " rows per worker × " + c.get("partitions")
        + " workers = " + c.get("global_batch"));
    put(d, "regularisation", "dropout " + c.get("dropout") + ", batch norm "
        + c.get("batch_norm") + ", weight decay " + c.get("weight_decay") + ", L2 "
        + c.get("l2"));
    put(d, "distribution", c.get("sync") + " sync over the " + c.get("exchange")
        + " exchange on " + c.get("master"));
    return d;
  }

  private static void put(Map<String, Object> d, String k, Object v) {
    if (v != null && !String.valueOf(v).contains("null")) {
      d.put(k, v);
    }
  }

  private static void table(StringBuilder h, Map<String, ?> rows) {
    h.append("<table>");
    for (Map.Entry<String, ?> e : rows.entrySet()) {
      h.append("<tr><th class=\"k\">").append(esc(e.getKey())).append("</th><td>")
          .append(fmt(e.getValue())).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static String fmt(Object v) {
    if (v instanceof Double d) {
      return Double.isNaN(d) ? "–" : String.format(Locale.ROOT, Math.abs(d) >= 1e4
          || (d != 0 && Math.abs(d) < 1e-3) ? "%.4g" : "%.4f", d);
    }
    return esc(String.valueOf(v));
  }

  /** Every layer's output statistics at the last epoch, and the weight gradients'. */
  private static void layerTable(StringBuilder h, LayerStats stats) {
    List<String> cols = List.of("mean", "sd", "p05", "p25", "p50", "p75", "p95");
    h.append("<h2>Layers at the last epoch (monitor sample, training mode)</h2><table><tr>"
        + "<th class=\"k\">output of</th>");
    for (String c : cols) {
      h.append("<th>").append(c).append("</th>");
    }
    h.append("<th>dead ReLUs</th><th>saturated</th></tr>");
    stats.activationStats.get(stats.activationStats.size() - 1).forEach((name, m) ->
        row(h, name, m, cols, true));
    h.append("<tr><th class=\"k\"><b>gradient of</b></th></tr>");
    stats.gradientStats.get(stats.gradientStats.size() - 1).forEach((name, m) ->
        row(h, name, m, cols, false));
    h.append("</table>\n");
  }

  private static void row(StringBuilder h, String name, Map<String, Double> m, List<String> cols,
      boolean units) {
    h.append("<tr><th class=\"k\">").append(esc(name)).append("</th>");
    for (String c : cols) {
      h.append("<td>").append(fmt(m.get(c))).append("</td>");
    }
    if (units) {
      h.append("<td>").append(m.containsKey("dead_fraction") ? fmt(m.get("dead_fraction"))
          : "").append("</td><td>").append(m.containsKey("saturated_fraction")
          ? fmt(m.get("saturated_fraction")) : "").append("</td>");
    }
    h.append("</tr>");
  }

  private static void confusion(StringBuilder h, Input in) {
    int k = in.classes();
    long[] c = in.confusion();
    if (c == null || k < 2 || c.length != k * k) {
      return;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      names.add(in.classNames().size() == k ? i + " " + in.classNames().get(i) : "" + i);
    }
    long max = 1;
    for (long v : c) {
      max = Math.max(max, v);
    }
    h.append("<h2>Test confusion matrix</h2><p>rows: true class, columns: predicted; the "
        + "last column is the class's recall</p><table><tr><th></th>");
    for (String n : names) {
      h.append("<th>").append(esc(n)).append("</th>");
    }
    h.append("<th>recall</th></tr>");
    for (int i = 0; i < k; i++) {
      h.append("<tr><th class=\"k\">").append(esc(names.get(i))).append("</th>");
      long rowSum = 0;
      for (int j = 0; j < k; j++) {
        long v = c[i * k + j];
        rowSum += v;
        int shade = 255 - (int) (200.0 * v / max);
        h.append(String.format(Locale.ROOT, "<td style=\"background:rgb(%d,%d,255)\">%d</td>",
            shade, shade, v));
      }
      h.append("<td>").append(rowSum == 0 ? "–" : String.format(Locale.ROOT, "%.3f",
          (double) c[i * k + i] / rowSum)).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
