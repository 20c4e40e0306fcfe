package org.sparkprop.driver.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** The report's plots (XChart, rendered headless to PNG). */
final class Charts {
  private Charts() {}

  /** Dead-ReLU and saturated fractions of each hidden layer per epoch. */
  static Map<String, double[]> unitFractions(LayerStats stats, int epochs) {
    Map<String, double[]> out = new LinkedHashMap<>();
    int offset = epochs - stats.activationStats.size();
    for (int e = 0; e < stats.activationStats.size(); e++) {
      for (Map.Entry<String, Map<String, Double>> l : stats.activationStats.get(e).entrySet()) {
        for (String k : List.of("dead_fraction", "saturated_fraction")) {
          Double v = l.getValue().get(k);
          if (v != null) {
            double[] s = out.computeIfAbsent(l.getKey() + " " + (k.startsWith("dead")
                ? "dead" : "saturated"), n -> {
                  double[] a = new double[epochs];
                  Arrays.fill(a, Double.NaN);
                  return a;
                });
            s[offset + e] = v;
          }
        }
      }
    }
    return out;
  }

  static CategoryChart timeChart(Map<String, Object> timing) {
    CategoryChart c = new CategoryChartBuilder().width(640).height(360)
        .title("Where the time went (seconds)").build();
    c.getStyler().setLegendVisible(false);
    c.getStyler().setXAxisLabelRotation(30);
    List<String> names = new ArrayList<>();
    List<Double> secs = new ArrayList<>();
    double parts = 0;
    for (String k : List.of("data_loading", "compute_seconds", "communication_seconds",
        "driver_update_seconds", "evaluation_seconds", "checkpoint_seconds")) {
      if (timing.get(k) instanceof Double d) {
        names.add(Report.label(k));
        secs.add(d);
        parts += d;
      }
    }
    if (timing.get("total") instanceof Double t) {
      names.add("other");
      secs.add(Math.max(0, t - parts));
    }
    if (names.isEmpty()) {
      names.add("none");
      secs.add(0.0);
    }
    c.addSeries("seconds", names, secs);
    return c;
  }

  static Map<String, double[]> series(List<Map<String, Double>> perEpoch) {
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

  static XYChart chart(String title, String yTitle, boolean logY,
      Map<String, double[]> series, double[] x) {
    XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch")
        .yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setYAxisLogarithmic(logY);
    List<String> names = new ArrayList<>(series.keySet());
    Collections.sort(names);
    for (String name : names) {
      double[] y = series.get(name);
      double[] xs = x;
      if (y.length != x.length) {
        // A monitor that began later (a resumed run): its last epochs.
        xs = Arrays.copyOfRange(x, x.length - y.length, x.length);
      }
      boolean any = false;
      for (double v : y) {
        any |= !Double.isNaN(v);
      }
      if (any && xs.length > 0) {
        c.addSeries(name, xs, y);
      }
    }
    return c;
  }

  static XYChart scatter(Report.Scatter s) {
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

  static byte[] png(Chart<?, ?> c) throws IOException {
    if (c instanceof XYChart xy && xy.getSeriesMap().isEmpty()) {
      xy.addSeries("none", new double[] {0}, new double[] {0});
    }
    return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }
}
