package org.sparkprop.driver.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkprop.driver.train.Timing;
import org.sparkprop.trainer.train.EpochMetrics;

/**
 * The run's metrics as metrics.json and metrics.csv hold them: per-epoch rows, the confusion
 * matrix as nested lists, and the training seconds at which validation accuracy first reached
 * each milestone.
 */
public final class Metrics {
  private static final double[] MILESTONES = {0.8, 0.85, 0.88, 0.9};

  private Metrics() {}

  /**
   * One map per epoch under metrics.json's names, with where each epoch's sync time went
   * (timing lines up with the end of ms: a resumed run's restored epochs have none).
   */
  public static List<Object> epochRows(List<EpochMetrics> ms, List<Timing> timing) {
    List<Object> rows = new ArrayList<>();
    int restored = ms.size() - timing.size();
    for (int i = 0; i < ms.size(); i++) {
      EpochMetrics m = ms.get(i);
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
      r.putAll(m.task());
      if (i >= restored) {
        r.putAll(timing.get(i - restored).epochMap());
      }
      rows.add(r);
    }
    return rows;
  }

  /** metrics.csv: a header and one line per epoch; the task's measures as the last columns. */
  public static String csv(List<EpochMetrics> ms) {
    return csv(ms, null);
  }

  /**
   * As above, then the hidden layers' statistics of each epoch ({@link LayerStats}; stats null
   * or without a sample: none).
   */
  public static String csv(List<EpochMetrics> ms, LayerStats stats) {
    List<String> task = ms.isEmpty() ? List.of() : List.copyOf(ms.get(0).task().keySet());
    List<String> layers = stats == null ? List.of() : List.copyOf(stats.csvColumns(0).keySet());
    StringBuilder b = new StringBuilder("epoch,train_loss,train_accuracy,validation_loss,"
        + "validation_accuracy,lr,seconds,samples_per_second,mean_gradient_norm");
    task.forEach(n -> b.append(',').append(n));
    layers.forEach(n -> b.append(',').append(n));
    b.append('\n');
    // A resumed run monitors only the epochs it ran: the restored ones get empty cells.
    int row = stats == null ? 0 : stats.epochs() - ms.size();
    for (EpochMetrics m : ms) {
      b.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.1f,%.6g",
          m.epoch(), m.trainLoss(), m.trainAccuracy(), m.validationLoss(),
          m.validationAccuracy(), m.lr(), m.seconds(), m.samplesPerSecond(), m.gradNorm()));
      for (String n : task) {
        b.append(String.format(Locale.ROOT, ",%.6f", m.task().getOrDefault(n, Double.NaN)));
      }
      Map<String, Double> l = layers.isEmpty() || row < 0 ? Map.of() : stats.csvColumns(row);
      for (String n : layers) {
        b.append(String.format(Locale.ROOT, ",%.6g", l.getOrDefault(n, Double.NaN)));
      }
      row++;
      b.append('\n');
    }
    return b.toString();
  }

  /** The K×K counts c (row-major) as K rows; empty unless c has K² entries. */
  public static List<Object> confusion(long[] c, int k) {
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

  /** Milestone ("0.88") → training seconds when validation accuracy first reached it, or null. */
  public static Map<String, Object> milestones(List<EpochMetrics> h) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (double goal : MILESTONES) {
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
}
