package org.sparkprop.driver.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.layer.ActivationLayer;
import org.sparkprop.trainer.layer.Dense;
import org.sparkprop.trainer.layer.Layer;
import org.sparkprop.trainer.layer.Maxout;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.param.Slice;
import org.sparkprop.trainer.train.ValueStats;

/**
 * The monitoring the lectures ask for, after each epoch, on a fixed sample (training mode,
 * dropout masks from seed 0): per layer the mean, standard deviation, RMS and quantiles of its
 * output ({@link ValueStats}); for the hidden units also the fraction of dead ReLUs (units whose
 * output is 0 on every sample row) or of saturated sigmoid/tanh outputs (within 1 % of either
 * end of the range); per parameter tensor the same statistics of the mean-loss gradient.
 * Dead ReLUs, saturated sigmoids and vanishing or exploding gradients show up here first.
 */
public final class LayerStats {
  /** An output within this fraction of the range's ends counts as saturated. */
  static final double SATURATED = 0.01;
  private final Mlp mlp;
  private final Dataset sample;
  private final float[] grad;
  /** epoch → (name → RMS), the report's curves. */
  final List<Map<String, Double>> activations = new ArrayList<>();
  final List<Map<String, Double>> gradients = new ArrayList<>();
  /** epoch → (layer → statistic → value). */
  final List<Map<String, Map<String, Double>>> activationStats = new ArrayList<>();
  final List<Map<String, Map<String, Double>>> gradientStats = new ArrayList<>();

  public LayerStats(Mlp mlp, Dataset sample) {
    this.mlp = mlp;
    this.sample = sample;
    this.grad = new float[mlp.paramCount()];
  }

  /** Epochs recorded. */
  int epochs() {
    return activationStats.size();
  }

  /** The activation a layer's output has passed through, or null (batch norm, dropout…). */
  static Activation unitActivation(Layer l) {
    if (l instanceof Dense d) {
      return d.activation().kind() == Activation.Kind.IDENTITY ? null : d.activation();
    }
    if (l instanceof ActivationLayer a) {
      return a.activation();
    }
    return l instanceof Maxout ? Activation.maxout(2) : null;
  }

  /** Layer i's name in the metrics: position and kind, e.g. "3:ActivationLayer". */
  String layerName(int i) {
    return (i + 1) + ":" + mlp.layers().get(i).getClass().getSimpleName();
  }

  public void record(float[] p, float[] s) {
    if (sample.rows() == 0) {
      return;
    }
    Arrays.fill(grad, 0f);
    float[] st = s.clone();
    mlp.setDropoutSeed(0);
    int b = sample.rows();
    mlp.lossAndGrad(p, st, sample.x(), sample.y(), b, grad);
    Map<String, Double> act = new LinkedHashMap<>();
    Map<String, Map<String, Double>> actStats = new LinkedHashMap<>();
    List<Layer> layers = mlp.layers();
    for (int i = 0; i < layers.size(); i++) {
      int width = layers.get(i).outSize();
      float[] y = mlp.activations(i);
      ValueStats v = ValueStats.of(y, 0, b * width);
      act.put(layerName(i), v.rms());
      Map<String, Double> m = v.toMap();
      Activation a = unitActivation(layers.get(i));
      if (a != null && a.kind() == Activation.Kind.RELU) {
        m.put("dead_fraction", dead(y, b, width));
      } else if (a != null && (a.kind() == Activation.Kind.SIGMOID
          || a.kind() == Activation.Kind.TANH)) {
        m.put("saturated_fraction", saturated(y, b * width, a.kind() == Activation.Kind.TANH));
      }
      actStats.put(layerName(i), m);
    }
    Map<String, Double> gr = new LinkedHashMap<>();
    Map<String, Map<String, Double>> grStats = new LinkedHashMap<>();
    float[] mean = new float[grad.length];
    for (int i = 0; i < grad.length; i++) {
      mean[i] = grad[i] / b;
    }
    for (Slice sl : mlp.paramLayout().slices()) {
      ValueStats v = ValueStats.of(mean, sl.offset(), sl.size());
      gr.put(sl.name(), v.rms());
      grStats.put(sl.name(), v.toMap());
    }
    activations.add(act);
    gradients.add(gr);
    activationStats.add(actStats);
    gradientStats.add(grStats);
  }

  /** Units (columns of y (B, C)) that are 0 on every row. */
  static double dead(float[] y, int rows, int width) {
    int dead = 0;
    for (int j = 0; j < width; j++) {
      boolean alive = false;
      for (int r = 0; r < rows && !alive; r++) {
        alive = y[r * width + j] > 0;
      }
      dead += alive ? 0 : 1;
    }
    return (double) dead / width;
  }

  /** Outputs within {@link #SATURATED} of the ends of (0, 1), or of (−1, 1) for tanh. */
  static double saturated(float[] y, int n, boolean tanh) {
    int c = 0;
    for (int i = 0; i < n; i++) {
      double u = tanh ? (y[i] + 1) / 2 : y[i];
      if (u < SATURATED || u > 1 - SATURATED) {
        c++;
      }
    }
    return n == 0 ? Double.NaN : (double) c / n;
  }

  /**
   * metrics.csv's columns for epoch e's hidden units: for each layer whose output is a hidden
   * activation (hidden1, hidden2, …) its mean, sd, 5/50/95 % quantiles and dead or saturated
   * fraction, then each weight tensor's gradient RMS.
   */
  Map<String, Double> csvColumns(int e) {
    Map<String, Double> c = new LinkedHashMap<>();
    if (e >= activationStats.size()) {
      return c;
    }
    int h = 0;
    List<Layer> layers = mlp.layers();
    for (int i = 0; i < layers.size() - 1; i++) {
      if (unitActivation(layers.get(i)) == null) {
        continue;
      }
      h++;
      Map<String, Double> m = activationStats.get(e).get(layerName(i));
      for (String k : List.of("mean", "sd", "p05", "p50", "p95", "dead_fraction",
          "saturated_fraction")) {
        if (m.containsKey(k)) {
          c.put("hidden" + h + "_" + k, m.get(k));
        }
      }
    }
    gradientStats.get(e).forEach((name, m) -> {
      if (name.endsWith(".W")) {
        c.put(name.replace('.', '_') + "_grad_rms", m.get("rms"));
      }
    });
    return c;
  }
}
