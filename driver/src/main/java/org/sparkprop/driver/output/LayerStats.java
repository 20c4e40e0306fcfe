package org.sparkprop.driver.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.layer.Layer;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.param.Slice;

/**
 * The monitoring the seeds ask for: per layer, the RMS of its output (training mode, on a fixed
 * sample) and per parameter tensor the RMS of the mean-loss gradient, after each epoch. Dead
 * ReLUs, saturated sigmoids and vanishing or exploding gradients show up here first.
 */
public final class LayerStats {
  private final Mlp mlp;
  private final Dataset sample;
  private final float[] grad;
  /** epoch → (name → RMS). */
  final List<Map<String, Double>> activations = new ArrayList<>();
  final List<Map<String, Double>> gradients = new ArrayList<>();

  public LayerStats(Mlp mlp, Dataset sample) {
    this.mlp = mlp;
    this.sample = sample;
    this.grad = new float[mlp.paramCount()];
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
    List<Layer> layers = mlp.layers();
    for (int i = 0; i < layers.size(); i++) {
      int width = layers.get(i).outSize();
      act.put((i + 1) + ":" + layers.get(i).getClass().getSimpleName(),
          rms(mlp.activations(i), 0, b * width));
    }
    Map<String, Double> gr = new LinkedHashMap<>();
    for (Slice sl : mlp.paramLayout().slices()) {
      gr.put(sl.name(), rms(grad, sl.offset(), sl.size()) / b);
    }
    activations.add(act);
    gradients.add(gr);
  }

  private static double rms(float[] a, int off, int len) {
    double ss = 0;
    for (int i = off; i < off + len; i++) {
      ss += (double) a[i] * a[i];
    }
    return len == 0 ? 0 : Math.sqrt(ss / len);
  }
}
