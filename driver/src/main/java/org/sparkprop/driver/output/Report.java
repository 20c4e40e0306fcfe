package org.sparkprop.driver.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.sparkprop.trainer.train.EpochMetrics;
import org.sparkprop.trainer.train.Evaluation;

/**
 * report.html with PNG plots beside it: loss and accuracy per epoch (train vs validation), the
 * per-layer activation and gradient magnitudes, and the test confusion matrix as a table.
 * Returns the files as (name → bytes); the caller writes them with everything else.
 */
public final class Report {
  private Report() {}

  /**
   * Regression's predicted-against-true plot: a sample of test rows' targets and predictions,
   * K values per row (row-major), plotted per output.
   */
  public record Scatter(float[] truth, float[] predicted, int k) {}

  public static Map<String, byte[]> build(String title, List<EpochMetrics> history,
      LayerStats stats, long[] confusion, int k, Evaluation test, Map<String, Object> timing,
      Scatter scatter) throws IOException {
    double testAccuracy = test.accuracy();
    System.setProperty("java.awt.headless", "true");
    Map<String, byte[]> files = new LinkedHashMap<>();
    double[] ep = new double[history.size()];
    double[] trainLoss = new double[ep.length];
    double[] valLoss = new double[ep.length];
    double[] trainAcc = new double[ep.length];
    double[] valAcc = new double[ep.length];
    for (int i = 0; i < ep.length; i++) {
      EpochMetrics m = history.get(i);
      ep[i] = m.epoch();
      trainLoss[i] = m.trainLoss();
      valLoss[i] = m.validationLoss();
      trainAcc[i] = m.trainAccuracy();
      valAcc[i] = m.validationAccuracy();
    }
    files.put("loss.png", png(chart("Loss per epoch", "loss", false,
        Map.of("train (training mode)", trainLoss, "validation", valLoss), ep)));
    if (!Double.isNaN(trainAcc.length > 0 ? trainAcc[0] : Double.NaN)) {
      files.put("accuracy.png", png(chart("Accuracy per epoch", "accuracy", false,
          Map.of("train (training mode)", trainAcc, "validation", valAcc), ep)));
    }
    Map<String, double[]> taskSeries = new LinkedHashMap<>();
    for (int i = 0; i < ep.length; i++) {
      for (Map.Entry<String, Double> e : history.get(i).task().entrySet()) {
        taskSeries.computeIfAbsent(e.getKey(), n -> new double[ep.length])[i] = e.getValue();
      }
    }
    if (!taskSeries.isEmpty()) {
      files.put("task_metrics.png", png(chart("Task measures per epoch", "value", false,
          taskSeries, ep)));
    }
    if (scatter != null && scatter.truth().length > 0) {
      files.put("predicted_vs_true.png", png(scatter(scatter)));
    }
    if (stats != null && !stats.activations.isEmpty()) {
      files.put("activations.png", png(chart("Activation RMS per layer (validation sample)",
          "RMS", true, series(stats.activations), ep)));
      files.put("gradients.png", png(chart("Gradient RMS per parameter tensor", "RMS", true,
          series(stats.gradients), ep)));
    }
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(title)).append("</title><style>body{font-family:sans-serif;max-width:1100px;"
            + "margin:2em auto}img{max-width:540px}td,th{padding:2px 6px;text-align:right}"
            + "table{border-collapse:collapse}</style></head><body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    if (Double.isNaN(testAccuracy)) {
      h.append(String.format(Locale.ROOT, "<p>Test loss <b>%.4f</b> after %d epochs.</p>%n",
          test.loss(), history.size()));
    } else {
      h.append(String.format(Locale.ROOT, "<p>Test accuracy <b>%.4f</b> after %d epochs.</p>%n",
          testAccuracy, history.size()));
    }
    if (!test.metrics().isEmpty()) {
      h.append("<table>");
      test.metrics().forEach((n, v) -> h.append("<tr><th style=\"text-align:left\">test ")
          .append(esc(n)).append("</th><td>").append(String.format(Locale.ROOT, "%.4f", v))
          .append("</td></tr>"));
      h.append("</table>\n");
    }
    h.append("<h2>Where the time went</h2><table>");
    for (Map.Entry<String, Object> e : timing.entrySet()) {
      h.append("<tr><th style=\"text-align:left\">").append(esc(e.getKey())).append("</th><td>")
          .append(e.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.3f", d)
              : esc(String.valueOf(e.getValue()))).append("</td></tr>");
    }
    h.append("</table>\n<h2>Curves</h2>\n");
    for (String f : files.keySet()) {
      h.append("<img src=\"").append(f).append("\" alt=\"").append(f).append("\">\n");
    }
    if (confusion != null && confusion.length == k * k && k > 1) {
      long max = 1;
      for (long c : confusion) {
        max = Math.max(max, c);
      }
      h.append("<h2>Test confusion matrix</h2><p>rows: true class, columns: predicted</p>"
          + "<table><tr><th></th>");
      for (int j = 0; j < k; j++) {
        h.append("<th>").append(j).append("</th>");
      }
      h.append("</tr>");
      for (int i = 0; i < k; i++) {
        h.append("<tr><th>").append(i).append("</th>");
        for (int j = 0; j < k; j++) {
          long c = confusion[i * k + j];
          int shade = 255 - (int) (200.0 * c / max);
          h.append(String.format(Locale.ROOT, "<td style=\"background:rgb(%d,%d,255)\">%d</td>",
              shade, shade, c));
        }
        h.append("</tr>");
      }
      h.append("</table>\n");
    }
    h.append("</body></html>\n");
    files.put("report.html", h.toString().getBytes(StandardCharsets.UTF_8));
    return files;
  }

  private static Map<String, double[]> series(List<Map<String, Double>> perEpoch) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String name : perEpoch.get(0).keySet()) {
      double[] v = new double[perEpoch.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.max(1e-12, perEpoch.get(i).getOrDefault(name, Double.NaN));
      }
      out.put(name, v);
    }
    return out;
  }

  private static XYChart chart(String title, String yTitle, boolean logY,
      Map<String, double[]> series, double[] x) {
    XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch")
        .yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setYAxisLogarithmic(logY);
    List<String> names = new ArrayList<>(series.keySet());
    Collections.sort(names);
    for (String name : names) {
      double[] y = series.get(name);
      boolean any = false;
      for (double v : y) {
        any |= !Double.isNaN(v);
      }
      if (any && x.length > 0) {
        c.addSeries(name, x, y);
      }
    }
    return c;
  }

  private static XYChart scatter(Scatter s) {
    XYChart c = new XYChartBuilder().width(540).height(480).title("Predicted against true "
        + "(test sample)").xAxisTitle("true").yAxisTitle("predicted").build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setMarkerSize(4);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    int rows = s.truth().length / s.k();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < s.k(); j++) {
      double[] x = new double[rows];
      double[] y = new double[rows];
      for (int r = 0; r < rows; r++) {
        x[r] = s.truth()[r * s.k() + j];
        y[r] = s.predicted()[r * s.k() + j];
        lo = Math.min(lo, Math.min(x[r], y[r]));
        hi = Math.max(hi, Math.max(x[r], y[r]));
      }
      c.addSeries(s.k() == 1 ? "rows" : "output " + j, x, y);
    }
    c.addSeries("predicted = true", new double[] {lo, hi}, new double[] {lo, hi})
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    return c;
  }

  private static byte[] png(XYChart c) throws IOException {
    if (c.getSeriesMap().isEmpty()) {
      c.addSeries("none", new double[] {0}, new double[] {0});
    }
    return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
