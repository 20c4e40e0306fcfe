package org.sparkprop.trainer.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Input scaling x' = (x − shift)·scale per feature, fitted on the training split only and
 * stored with the model. {@code scale255}: shift 0, scale 1/255 (pixels to [0, 1]);
 * {@code standardize}: the training mean and 1/standard deviation (1 where a feature is
 * constant); {@code none}: identity.
 */
public record Normalizer(String kind, float[] shift, float[] scale) implements Serializable {
  public Normalizer {
    if (shift.length != scale.length) {
      throw new IllegalArgumentException("shift and scale differ in length");
    }
  }

  /** Fits scaling kind on x (N, F). */
  public static Normalizer fit(Scaling kind, float[] x, int rows, int features) {
    float[] shift = new float[features];
    float[] scale = new float[features];
    switch (kind) {
      case NONE:
        Arrays.fill(scale, 1f);
        break;
      case SCALE255:
        Arrays.fill(scale, 1f / 255f);
        break;
      case STANDARDIZE: {
        double[] sum = new double[features];
        double[] sq = new double[features];
        for (int r = 0; r < rows; r++) {
          for (int f = 0; f < features; f++) {
            sum[f] += x[r * features + f];
          }
        }
        for (int f = 0; f < features; f++) {
          sum[f] /= Math.max(1, rows);
        }
        for (int r = 0; r < rows; r++) {
          for (int f = 0; f < features; f++) {
            double d = x[r * features + f] - sum[f];
            sq[f] += d * d;
          }
        }
        return standardize(sum, sq, rows);
      }
      default:
        throw new IllegalStateException(kind.name());
    }
    return new Normalizer(kind.toString(), shift, scale);
  }

  /**
   * Standardisation from moments computed elsewhere (e.g. summed over a cluster): the feature
   * means and the sums of squared deviations from them over rows rows.
   */
  public static Normalizer standardize(double[] mean, double[] squaredDeviations, long rows) {
    int features = mean.length;
    float[] shift = new float[features];
    float[] scale = new float[features];
    for (int f = 0; f < features; f++) {
      double sd = Math.sqrt(squaredDeviations[f] / Math.max(1, rows));
      shift[f] = (float) mean[f];
      scale[f] = sd > 1e-8 ? (float) (1 / sd) : 1f;
    }
    return new Normalizer("standardize", shift, scale);
  }

  /** Applies the scaling to x (N, F) in place. */
  public void apply(float[] x, int rows) {
    int f = shift.length;
    if (x.length < rows * f) {
      throw new IllegalArgumentException("x is shorter than " + rows + " rows of " + f);
    }
    for (int r = 0; r < rows; r++) {
      int o = r * f;
      for (int j = 0; j < f; j++) {
        x[o + j] = (x[o + j] - shift[j]) * scale[j];
      }
    }
  }

  /** A copy of the dataset with scaled features. */
  public Dataset apply(Dataset d) {
    if (d.features() != shift.length) {
      throw new IllegalArgumentException("data has " + d.features() + " features, the scaling "
          + shift.length);
    }
    float[] x = d.x().clone();
    apply(x, d.rows());
    return new Dataset(x, d.y(), d.rows(), d.features(), d.targetWidth());
  }
}
