package org.sparkprop.trainer.layer;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.kernel.Elementwise;
import org.sparkprop.trainer.kernel.Gemm;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.param.ParamLayout;
import org.sparkprop.trainer.param.Slice;

/**
 * Fully connected layer with the activation fused into its output pass: y = f(x·W + b).
 *
 * <p>B = batch, I = inputs, O = outputs. W is (I, O) row-major, b is (O); x (B,I), y (B,O).
 * Forward is one A·B product; backward one Aᵀ·B (∂W = xᵀ·dz) and one A·Bᵀ (dx = dz·Wᵀ), with
 * dz = dy ⊙ f'(y) computed in place.
 */
public final class Dense implements Layer {
  private static final Elementwise EW = Kernels.elementwise();
  private final int in;
  private final int out;
  private final Slice w;
  private final Slice b;
  private final Activation act;
  private final Init init;
  private final Gemm gemm;

  /**
   * Adds W (and b, if {@code bias}) to the layout. {@code init} AUTO picks He for ReLU-family
   * activations and Xavier otherwise.
   */
  public Dense(String name, int in, int out, boolean bias, Activation act, Init init,
      ParamLayout layout, Gemm gemm) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException(name + ": sizes must be positive, got " + in + "x" + out);
    }
    this.in = in;
    this.out = out;
    this.w = layout.add(name + ".W", in, out, true);
    this.b = bias ? layout.add(name + ".b", 1, out, false) : null;
    this.act = act;
    this.init = init == Init.AUTO ? autoInit(act) : init;
    this.gemm = gemm;
  }

  /** He for ReLU-family activations, Xavier uniform otherwise. */
  public static Init autoInit(Activation act) {
    switch (act.kind()) {
      case RELU: case LEAKY_RELU: case ELU: case SOFTPLUS: return Init.HE_NORMAL;
      default: return Init.XAVIER_UNIFORM;
    }
  }

  /**
   * The rows of W whose gradient the backward pass finishes at a time (0: W's gradient is
   * finished whole).
   */
  public int gradientRowBlock() {
    return gemm.tnRowBlock();
  }

  public Slice weights() {
    return w;
  }

  /** The bias slice, or null when the layer has none (it is followed by batch norm). */
  public Slice bias() {
    return b;
  }

  public Activation activation() {
    return act;
  }

  @Override
  public int inSize() {
    return in;
  }

  @Override
  public int outSize() {
    return out;
  }

  @Override
  public void init(float[] p, float[] s, SplittableRandom rng) {
    init.fill(p, w.offset(), in, out, rng);
    if (b != null) {
      Arrays.fill(p, b.offset(), b.end(), 0f);
    }
  }

  @Override
  public void forward(float[] p, float[] s, float[] x, float[] y, int batch, boolean training) {
    gemm.nn(batch, out, in, x, 0, p, w.offset(), y, 0, false);
    act.forwardBias(y, b == null ? null : p, b == null ? 0 : b.offset(), batch, out);
  }

  @Override
  public void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g,
      int batch, boolean accumulate) {
    backward(p, x, y, dy, dx, g, batch, accumulate, null);
  }

  /**
   * The backward pass, telling rows (when not null) as the rows of ∂W become final, the last
   * first (the bias gradient is final before the first call; see
   * {@link Gemm#tn(int, int, int, float[], int, float[], int, float[], int, boolean,
   * Gemm.RowsFinal)}).
   */
  public void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g,
      int batch, boolean accumulate, Gemm.RowsFinal rows) {
    if (b == null) {
      act.backward(y, dy, dy, batch, out);
    } else {
      // The bias gradient is dy's column sums; for ReLU, taken in the same pass as its gradient.
      int bo = b.offset();
      if (!accumulate) {
        Arrays.fill(g, bo, bo + out, 0f);
      }
      if (act.kind() == Activation.Kind.RELU) {
        EW.reluBackwardColumnSums(y, dy, batch, out, g, bo);
      } else {
        act.backward(y, dy, dy, batch, out);
        EW.columnSums(dy, batch, out, g, bo);
      }
    }
    if (rows == null) {
      gemm.tn(in, out, batch, x, 0, dy, 0, g, w.offset(), accumulate);
    } else {
      gemm.tn(in, out, batch, x, 0, dy, 0, g, w.offset(), accumulate, rows);
    }
    if (dx != null) {
      gemm.nt(batch, in, out, dy, 0, p, w.offset(), dx, 0, false);
    }
  }
}
