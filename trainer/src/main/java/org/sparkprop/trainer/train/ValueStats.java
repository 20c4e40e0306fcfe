package org.sparkprop.trainer.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the lectures ask to watch in a tensor of activations or gradients: mean, standard
 * deviation (population), RMS and the 5/25/50/75/95 % quantiles (linear interpolation between
 * order statistics, NumPy's default), from one pass and one sort of a copy.
 */
public record ValueStats(double mean, double sd, double rms, double p05, double p25, double p50,
    double p75, double p95) {

  /** The statistics of a[off, off + len); all NaN when len is 0. */
  public static ValueStats of(float[] a, int off, int len) {
    if (len == 0) {
      double n = Double.NaN;
      return new ValueStats(n, n, n, n, n, n, n, n);
    }
    double sum = 0;
    double sq = 0;
    for (int i = off; i < off + len; i++) {
      sum += a[i];
      sq += (double) a[i] * a[i];
    }
    double mean = sum / len;
    double var = 0;
    for (int i = off; i < off + len; i++) {
      double d = a[i] - mean;
      var += d * d;
    }
    float[] s = Arrays.copyOfRange(a, off, off + len);
    Arrays.sort(s);
    return new ValueStats(mean, Math.sqrt(var / len), Math.sqrt(sq / len), q(s, 0.05),
        q(s, 0.25), q(s, 0.5), q(s, 0.75), q(s, 0.95));
  }

  /** The q-quantile of sorted values s: position q·(n − 1), interpolated. */
  private static double q(float[] s, double q) {
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * ((double) s[hi] - s[lo]);
  }

  /** By name: mean, sd, rms, p05, p25, p50, p75, p95. */
  public Map<String, Double> toMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mean", mean);
    m.put("sd", sd);
    m.put("rms", rms);
    m.put("p05", p05);
    m.put("p25", p25);
    m.put("p50", p50);
    m.put("p75", p75);
    m.put("p95", p95);
    return m;
  }
}
