package org.sparkprop.trainer.activation;

import java.io.Serializable;
import java.util.Locale;
import org.sparkprop.trainer.kernel.Kernels;

/**
 * Activation functions, applied elementwise (softmax: per row). Derivatives are computed from
 * the saved <i>output</i> y = f(ξ), so backward needs no copy of the pre-activation.
 *
 * <p>Dimensions: R = rows (batch), C = columns (units). Arrays are (R, C) row-major.
 *
 * <p>Parameters: {@code sigmoid:λ} is 1/(1+e^(−λξ)) with steepness λ (PV021); {@code
 * leaky_relu:α} is max(ξ, αξ); {@code elu:α} is ξ for ξ > 0, else α(e^ξ − 1); {@code tanh:λ}
 * is tanh(λξ), so the seeds' "tanh" form (1−e^(−ξ))/(1+e^(−ξ)) = tanh(ξ/2) is {@code
 * tanh:0.5}, and plain {@code tanh} the standard tanh(ξ). The binary step has no useful
 * derivative: it serves the perceptron only.
 */
public final class Activation implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The function family. */
  public enum Kind {
    IDENTITY, STEP, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS, SOFTMAX,
    /** Not elementwise: the max of k linear pieces per unit (a layer of its own, Maxout). */
    MAXOUT
  }

  private final Kind kind;
  private final float a;

  private Activation(Kind kind, float a) {
    this.kind = kind;
    this.a = a;
  }

  public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0);
  public static final Activation STEP = new Activation(Kind.STEP, 0);
  public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 1);
  public static final Activation TANH = new Activation(Kind.TANH, 1);
  public static final Activation RELU = new Activation(Kind.RELU, 0);
  public static final Activation SOFTPLUS = new Activation(Kind.SOFTPLUS, 0);
  public static final Activation SOFTMAX = new Activation(Kind.SOFTMAX, 0);

  /** Logistic sigmoid with steepness λ &gt; 0. */
  public static Activation sigmoid(double lambda) {
    return new Activation(Kind.SIGMOID, positive("sigmoid steepness λ", lambda));
  }

  /**
   * tanh(λx): with λ = ½ the PV021 notes' (1 − e^−x)/(1 + e^−x) = tanh(x/2), i.e. 2σ(x) − 1.
   */
  public static Activation tanh(double lambda) {
    return lambda == 1 ? TANH : new Activation(Kind.TANH, positive("tanh steepness λ", lambda));
  }

  /**
   * Maxout (Goodfellow et al. 2013): each hidden unit is the max of k linear pieces, so the
   * layer before it computes k·width values; k from 2 to 16.
   */
  public static Activation maxout(double k) {
    if (k != Math.rint(k) || k < 2 || k > 16) {
      throw new IllegalArgumentException("maxout takes a whole number of pieces from 2 to 16, "
          + "got " + k);
    }
    return new Activation(Kind.MAXOUT, (float) k);
  }

  /** The pieces per unit: k for maxout, else 1. */
  public int pieces() {
    return kind == Kind.MAXOUT ? (int) a : 1;
  }

  /** Leaky ReLU with slope α in [0, 1) for negative inputs. */
  public static Activation leakyRelu(double alpha) {
    if (!(alpha >= 0 && alpha < 1)) {
      throw new IllegalArgumentException("leaky_relu α must be in [0, 1), got " + alpha);
    }
    return new Activation(Kind.LEAKY_RELU, (float) alpha);
  }

  /** ELU with α &gt; 0. */
  public static Activation elu(double alpha) {
    return new Activation(Kind.ELU, positive("elu α", alpha));
  }

  private static float positive(String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be > 0, got " + v);
    }
    return (float) v;
  }

  /**
   * Parses {@code name[:param]}: identity, step, sigmoid[:λ], tanh, relu, leaky_relu[:α]
   * (default 0.01), elu[:α] (default 1), softplus, softmax.
   */
  public static Activation parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    String name = s;
    Double param = null;
    int colon = s.indexOf(':');
    if (colon >= 0) {
      name = s.substring(0, colon);
      try {
        param = Double.parseDouble(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("activation '" + text + "': parameter is not a number");
      }
    }
    Activation act;
    switch (name) {
      case "identity": case "linear": act = IDENTITY; break;
      case "step": act = STEP; break;
      case "sigmoid": case "logistic": return param == null ? SIGMOID : sigmoid(param);
      case "tanh": return param == null ? TANH : tanh(param);
      case "relu": act = RELU; break;
      case "leaky_relu": case "leakyrelu": return leakyRelu(param == null ? 0.01 : param);
      case "elu": return elu(param == null ? 1.0 : param);
      case "softplus": act = SOFTPLUS; break;
      case "softmax": act = SOFTMAX; break;
      case "maxout": return maxout(param == null ? 2 : param);
      default:
        throw new IllegalArgumentException("unknown activation '" + text + "' (identity, step, "
            + "sigmoid[:λ], tanh[:λ], relu, leaky_relu[:α], elu[:α], softplus, softmax, "
            + "maxout[:k])");
    }
    if (param != null) {
      throw new IllegalArgumentException("activation '" + name + "' takes no parameter");
    }
    return act;
  }

  public Kind kind() {
    return kind;
  }

  /** λ for sigmoid and tanh, α for leaky ReLU and ELU, otherwise 0. */
  public float param() {
    return a;
  }

  /** Whether backward is defined (everything but the binary step). */
  public boolean differentiable() {
    return kind != Kind.STEP;
  }

  /** y (R,C) = f(x (R,C)); overwrites y; y may be x. */
  public void forward(float[] x, float[] y, int rows, int cols) {
    if (kind == Kind.MAXOUT) {
      throw new IllegalStateException("maxout is a layer (Maxout), not elementwise");
    }
    if (kind == Kind.SOFTMAX) {
      for (int r = 0; r < rows; r++) {
        softmaxRow(x, y, r * cols, cols);
      }
      return;
    }
    int n = rows * cols;
    if (kind == Kind.RELU) {
      // After batch norm (ActivationLayer): the same vector loop as the fused Dense case.
      if (x != y) {
        System.arraycopy(x, 0, y, 0, n);
      }
      Kernels.elementwise().reluBias(y, null, 0, 1, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      y[i] = apply(x[i]);
    }
  }

  /**
   * y (R,C) = f(y + bias (C)) in place: the bias add fused with the activation, one pass over
   * the output of a matrix product.
   */
  public void forwardBias(float[] y, float[] bias, int biasOff, int rows, int cols) {
    if (kind == Kind.RELU) {
      // The hidden layers' usual case, on the Vector API when present (same results).
      Kernels.elementwise().reluBias(y, bias, biasOff, rows, cols);
      return;
    }
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      if (bias != null) {
        for (int j = 0; j < cols; j++) {
          y[o + j] += bias[biasOff + j];
        }
      }
      if (kind == Kind.SOFTMAX) {
        softmaxRow(y, y, o, cols);
      } else if (kind != Kind.IDENTITY) {
        for (int j = 0; j < cols; j++) {
          y[o + j] = apply(y[o + j]);
        }
      }
    }
  }

  private float apply(float x) {
    switch (kind) {
      case IDENTITY: return x;
      case STEP: return x >= 0 ? 1f : 0f;
      case SIGMOID: return logistic(a * x);
      case TANH: return (float) Math.tanh(a * x);
      case RELU: return x > 0 ? x : 0f;
      case LEAKY_RELU: return x > 0 ? x : a * x;
      case ELU: return x > 0 ? x : (float) (a * Math.expm1(x));
      case SOFTPLUS: return (float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
      default: throw new IllegalStateException(kind + " is not elementwise");
    }
  }

  /** The numerically stable logistic function. */
  public static float logistic(float x) {
    if (x >= 0) {
      return (float) (1 / (1 + Math.exp(-x)));
    }
    double e = Math.exp(x);
    return (float) (e / (1 + e));
  }

  /**
   * y[o, o+cols) = softmax(x[o, o+cols)) (y may be x); returns the row's log-sum-exp,
   * log Σ_j e^(x_j), which softmax cross-entropy needs for its loss.
   */
  public static double softmaxRow(float[] x, float[] y, int o, int cols) {
    // Subtract the row max only for numerical stability: softmax is shift-invariant.
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < cols; j++) {
      max = Math.max(max, x[o + j]);
    }
    double sum = 0;
    for (int j = 0; j < cols; j++) {
      float e = (float) Math.exp(x[o + j] - max);
      y[o + j] = e;
      sum += e;
    }
    float inv = (float) (1 / sum);
    for (int j = 0; j < cols; j++) {
      y[o + j] *= inv;
    }
    return Math.log(sum) + max;
  }

  /**
   * dx (R,C) = dy ⊙ f'(ξ), with f' computed from the output y (R,C); for softmax the
   * Jacobian-vector product dx = y ⊙ (dy − Σ y·dy) per row. Overwrites dx; dx may be dy.
   */
  public void backward(float[] y, float[] dy, float[] dx, int rows, int cols) {
    int n = rows * cols;
    switch (kind) {
      case IDENTITY:
        if (dx != dy) {
          System.arraycopy(dy, 0, dx, 0, n);
        }
        return;
      case STEP:
        throw new UnsupportedOperationException(
            "the binary step has no gradient: train it with the perceptron rule");
      case SIGMOID:
        for (int i = 0; i < n; i++) {
          dx[i] = dy[i] * a * y[i] * (1 - y[i]);
        }
        return;
      case TANH:
        if (a == 1f) {
          for (int i = 0; i < n; i++) {
            dx[i] = dy[i] * (1 - y[i] * y[i]);
          }
        } else {
          for (int i = 0; i < n; i++) {
            dx[i] = dy[i] * a * (1 - y[i] * y[i]);
          }
        }
        return;
      case RELU:
        Kernels.elementwise().reluBackward(y, dy, dx, n);
        return;
      case LEAKY_RELU:
        // y > 0 exactly when ξ > 0 (α ≥ 0); at α = 0 this is ReLU.
        for (int i = 0; i < n; i++) {
          dx[i] = y[i] > 0 ? dy[i] : a * dy[i];
        }
        return;
      case ELU:
        // For ξ ≤ 0: f' = α e^ξ = y + α.
        for (int i = 0; i < n; i++) {
          dx[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + a);
        }
        return;
      case SOFTPLUS:
        // f' = σ(ξ) = 1 − e^(−y).
        for (int i = 0; i < n; i++) {
          dx[i] = dy[i] * (float) -Math.expm1(-y[i]);
        }
        return;
      case SOFTMAX:
        for (int r = 0; r < rows; r++) {
          int o = r * cols;
          double dot = 0;
          for (int j = 0; j < cols; j++) {
            dot += (double) y[o + j] * dy[o + j];
          }
          for (int j = 0; j < cols; j++) {
            dx[o + j] = y[o + j] * (float) (dy[o + j] - dot);
          }
        }
        return;
      default:
        throw new IllegalStateException(kind.toString());
    }
  }

  @Override
  public String toString() {
    String n = kind.name().toLowerCase(Locale.ROOT);
    switch (kind) {
      case SIGMOID: case TANH: return a == 1f ? n : n + ":" + a;
      case LEAKY_RELU: case ELU: return n + ":" + a;
      case MAXOUT: return n + ":" + (int) a;
      default: return n;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Activation && ((Activation) o).kind == kind && ((Activation) o).a == a;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Float.hashCode(a);
  }
}
