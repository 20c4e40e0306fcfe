package org.sparkprop.driver.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.trainer.train.EpochMetrics;

/**
 * The per-epoch history as it travels in a checkpoint's metadata: one line per epoch, the nine
 * numeric {@link EpochMetrics} fields comma-separated in record order, then the task's
 * measures as name=value, each number in Java's round-trip decimal form, so a resumed run
 * reports exactly the restored epochs.
 */
final class HistoryCodec {
  private HistoryCodec() {}

  static String encode(List<EpochMetrics> h) {
    StringBuilder b = new StringBuilder();
    for (EpochMetrics m : h) {
      b.append(m.epoch()).append(',').append(m.trainLoss()).append(',')
          .append(m.trainAccuracy()).append(',').append(m.validationLoss()).append(',')
          .append(m.validationAccuracy()).append(',').append(m.lr()).append(',')
          .append(m.seconds()).append(',').append(m.samplesPerSecond()).append(',')
          .append(m.gradNorm());
      m.task().forEach((n, v) -> b.append(',').append(n).append('=').append(v));
      b.append('\n');
    }
    return b.toString();
  }

  /** Parses {@link #encode}'s text; what names the source in the error of a bad line. */
  static List<EpochMetrics> decode(String csv, String what) {
    List<EpochMetrics> out = new ArrayList<>();
    String[] lines = csv.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] f = lines[i].split(",");
      try {
        if (f.length < 9) {
          throw new NumberFormatException(f.length + " fields, expected at least 9");
        }
        Map<String, Double> task = new LinkedHashMap<>();
        for (int j = 9; j < f.length; j++) {
          int eq = f[j].indexOf('=');
          if (eq <= 0) {
            throw new NumberFormatException("field " + (j + 1) + " is not name=value");
          }
          task.put(f[j].substring(0, eq), Double.parseDouble(f[j].substring(eq + 1)));
        }
        out.add(new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
            Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
            Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
            Double.parseDouble(f[8]), task));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + ": history line " + (i + 1) + ": "
            + e.getMessage(), e);
      }
    }
    return out;
  }
}
