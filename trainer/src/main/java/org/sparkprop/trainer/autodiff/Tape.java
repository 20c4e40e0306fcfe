package org.sparkprop.trainer.autodiff;

import java.util.Arrays;

/**
 * Reverse-mode automatic differentiation on scalars, as the lecture notes work it: every
 * operation appends a node (its value, up to two parents and the local partial derivatives) to
 * a tape in evaluation order (the forward primal trace); {@link #gradient} walks the tape
 * backwards once, accumulating each node's adjoint v̄ = ∂y/∂v into its parents
 * (v̄_parent += v̄ · ∂v/∂parent, the reverse adjoint trace). In double precision: a reference
 * for the layers' hand-written backward passes, not a training engine.
 *
 * <p>Nodes are ints (indices into the tape). Not thread-safe.
 */
public final class Tape {
  private double[] value = new double[64];
  private int[] left = new int[64];
  private int[] right = new int[64];
  private double[] dLeft = new double[64];
  private double[] dRight = new double[64];
  private int size;

  /** An input (or constant) with this value. */
  public int input(double v) {
    return push(v, -1, 0, -1, 0);
  }

  public double value(int node) {
    return value[node];
  }

  /** Nodes on the tape. */
  public int size() {
    return size;
  }

  public int add(int a, int b) {
    return push(value[a] + value[b], a, 1, b, 1);
  }

  public int sub(int a, int b) {
    return push(value[a] - value[b], a, 1, b, -1);
  }

  public int mul(int a, int b) {
    return push(value[a] * value[b], a, value[b], b, value[a]);
  }

  public int div(int a, int b) {
    double q = value[a] / value[b];
    return push(q, a, 1 / value[b], b, -q / value[b]);
  }

  /** a times a constant. */
  public int scale(int a, double c) {
    return push(value[a] * c, a, c, -1, 0);
  }

  public int ln(int a) {
    return push(Math.log(value[a]), a, 1 / value[a], -1, 0);
  }

  public int exp(int a) {
    double e = Math.exp(value[a]);
    return push(e, a, e, -1, 0);
  }

  public int sin(int a) {
    return push(Math.sin(value[a]), a, Math.cos(value[a]), -1, 0);
  }

  public int cos(int a) {
    return push(Math.cos(value[a]), a, -Math.sin(value[a]), -1, 0);
  }

  public int tanh(int a) {
    double t = Math.tanh(value[a]);
    return push(t, a, 1 - t * t, -1, 0);
  }

  /** The logistic function 1 / (1 + e^−a). */
  public int sigmoid(int a) {
    double s = 1 / (1 + Math.exp(-value[a]));
    return push(s, a, s * (1 - s), -1, 0);
  }

  public int relu(int a) {
    return push(Math.max(0, value[a]), a, value[a] > 0 ? 1 : 0, -1, 0);
  }

  /**
   * The adjoints ∂y/∂v of every node v on the tape (indexed by node), by one backward sweep
   * from output y (whose adjoint is 1).
   */
  public double[] gradient(int y) {
    double[] bar = new double[size];
    bar[y] = 1;
    for (int v = y; v >= 0; v--) {
      if (bar[v] == 0) {
        continue;
      }
      if (left[v] >= 0) {
        bar[left[v]] += bar[v] * dLeft[v];
      }
      if (right[v] >= 0) {
        bar[right[v]] += bar[v] * dRight[v];
      }
    }
    return bar;
  }

  private int push(double v, int a, double da, int b, double db) {
    if (size == value.length) {
      int n = 2 * size;
      value = Arrays.copyOf(value, n);
      left = Arrays.copyOf(left, n);
      right = Arrays.copyOf(right, n);
      dLeft = Arrays.copyOf(dLeft, n);
      dRight = Arrays.copyOf(dRight, n);
    }
    value[size] = v;
    left[size] = a;
    dLeft[size] = da;
    right[size] = b;
    dRight[size] = db;
    return size++;
  }
}
