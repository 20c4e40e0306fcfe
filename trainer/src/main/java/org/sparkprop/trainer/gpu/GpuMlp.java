package org.sparkprop.trainer.gpu;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.layer.Dense;
import org.sparkprop.trainer.layer.Dropout;
import org.sparkprop.trainer.layer.Layer;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.GradientEngine;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.param.ParamLayout;

/**
 * The training step on a CUDA GPU: the parameters, the minibatch and its targets go to the
 * device, the whole forward and backward pass runs there (cuBLAS products, the kernels of
 * {@code kernels.cu}), and the gradient sum, the summed loss and the raw outputs (B, K) come
 * back. The same parameter layout, layer order, dropout masks (drawn on the host from the same
 * seeds) and loss as {@link Mlp}, so the two agree within float tolerance.
 *
 * <p>Not on the GPU yet: batch normalisation, and step or softmax as hidden activations;
 * {@link #unsupported} names them, and {@code Engines} falls back to the CPU.
 */
public final class GpuMlp implements GradientEngine {
  private final Gpu gpu;
  private final MlpSpec spec;
  private final Mlp host;
  private final int maxBatch;
  private final int params;
  private final int k;
  private final int targetWidth;
  private final DeviceBuffer dP;
  private final DeviceBuffer dG;
  private final DeviceBuffer dX;
  private final DeviceBuffer dY;
  private final DeviceBuffer dLoss;
  private final List<DeviceBuffer> owned = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final Launch lossLaunch;
  private final boolean lossPerRow;
  private final int[] batchArg = new int[1];
  private final int[] lossElems = new int[1];
  private final float[] out;
  private final float[] gHost;
  private final double[] lossHost;
  private DeviceBuffer last;

  /** Why spec cannot train on the GPU, or null when it can. */
  public static String unsupported(MlpSpec spec) {
    if (spec.batchNorm()) {
      return "batch normalisation is not implemented on the GPU";
    }
    if (spec.loss() == LossKind.SIGMOID_MSE) {
      return "sigmoid outputs with squared error are not on the GPU";
    }
    if (spec.task() == Task.CLASSIFICATION && spec.loss() != LossKind.SOFTMAX_CE
        && spec.outputs() > 1) {
      return "one-hot encoded class targets (" + spec.loss() + " over " + spec.outputs()
          + " outputs) are not on the GPU";
    }
    for (Activation a : spec.hidden()) {
      if (a.kind() == Activation.Kind.STEP || a.kind() == Activation.Kind.SOFTMAX
          || a.kind() == Activation.Kind.MAXOUT) {
        return a + " is not a hidden activation on the GPU";
      }
      if (a.kind() == Activation.Kind.TANH && a.param() != 1f) {
        return a + " (tanh with a steepness) is not on the GPU";
      }
    }
    return null;
  }

  /** An engine on device ordinal for batches of up to maxBatch rows. */
  public GpuMlp(MlpSpec spec, int maxBatch, int ordinal) {
    String why = unsupported(spec);
    if (why != null) {
      throw new UnsupportedOperationException(why);
    }
    this.spec = spec;
    this.maxBatch = maxBatch;
    this.gpu = Gpu.device(ordinal);
    // The CPU engine supplies the layout, the layer list and the dropout masks.
    this.host = new Mlp(spec, maxBatch, Kernels.newGemm("java"));
    this.params = host.paramCount();
    this.k = spec.outputs();
    LossKind loss = spec.loss();
    this.targetWidth = host.loss().targetWidth(k);
    dP = own(DeviceBuffer.floats(params));
    dG = own(DeviceBuffer.floats(params));
    dX = own(DeviceBuffer.floats((long) maxBatch * spec.inputs()));
    dY = own(DeviceBuffer.floats((long) maxBatch * targetWidth));
    int maxWidth = spec.inputs();
    for (Layer l : host.layers()) {
      maxWidth = Math.max(maxWidth, l.outSize());
    }
    DeviceBuffer deltaA = own(DeviceBuffer.floats((long) maxBatch * maxWidth));
    DeviceBuffer deltaB = own(DeviceBuffer.floats((long) maxBatch * maxWidth));
    DeviceBuffer in = dX;
    List<Layer> layers = host.layers();
    for (int i = 0; i < layers.size(); i++) {
      DeviceBuffer y = own(DeviceBuffer.floats((long) maxBatch * layers.get(i).outSize()));
      // Backward at layer i reads delta from dCur and writes dNext; they alternate.
      DeviceBuffer dCur = (layers.size() - 1 - i) % 2 == 0 ? deltaA : deltaB;
      DeviceBuffer dNext = dCur == deltaA ? deltaB : deltaA;
      steps.add(step(layers.get(i), i == 0, in, y, dCur, dNext));
      in = y;
    }
    last = in;
    lossPerRow = loss == LossKind.SOFTMAX_CE;
    dLoss = own(DeviceBuffer.doubles((long) maxBatch * (lossPerRow ? 1 : k)));
    DeviceBuffer top = deltaA;  // the last layer's backward reads its delta from deltaA
    if (loss == LossKind.SOFTMAX_CE) {
      lossLaunch = new Launch(gpu, "softmax_xent", last.ptr, dY.ptr, top.ptr, dLoss.ptr,
          batchArg, k);
    } else if (loss == LossKind.SIGMOID_BCE) {
      lossLaunch = new Launch(gpu, "sigmoid_bce", last.ptr, dY.ptr, top.ptr, dLoss.ptr,
          lossElems);
    } else if (loss == LossKind.MSE) {
      lossLaunch = new Launch(gpu, "squared_error", last.ptr, dY.ptr, top.ptr, dLoss.ptr,
          lossElems);
    } else {
      throw new UnsupportedOperationException(spec.loss() + " is not on the GPU");
    }
    out = new float[maxBatch * k];
    gHost = new float[params];
    lossHost = new double[maxBatch * (lossPerRow ? 1 : k)];
  }

  private DeviceBuffer own(DeviceBuffer d) {
    owned.add(d);
    return d;
  }

  /** A layer's forward and backward on the device. */
  private interface Step {
    void forward(int batch);

    void backward(int batch);
  }

  private Step step(Layer layer, boolean first, DeviceBuffer x, DeviceBuffer y,
      DeviceBuffer dy, DeviceBuffer dx) {
    int[] elems = new int[1];
    if (layer instanceof Dropout d) {
      int w = d.outSize();
      DeviceBuffer mask = own(DeviceBuffer.floats((long) maxBatch * w));
      Launch fwd = new Launch(gpu, "mul", y.ptr, x.ptr, mask.ptr, elems);
      Launch bwd = new Launch(gpu, "mul", dx.ptr, dy.ptr, mask.ptr, elems);
      return new Step() {
        @Override
        public void forward(int batch) {
          elems[0] = batch * w;
          mask.upload(d.drawMask(batch), batch * w);
          fwd.run(elems[0]);
        }

        @Override
        public void backward(int batch) {
          if (!first) {
            elems[0] = batch * w;
            bwd.run(elems[0]);
          }
        }
      };
    }
    if (!(layer instanceof Dense dense)) {
      throw new UnsupportedOperationException(layer.getClass().getSimpleName()
          + " is not on the GPU");
    }
    int in = dense.inSize();
    int o = dense.outSize();
    Activation act = dense.activation();
    int kind = act.kind().ordinal();
    CUdeviceptr w = dP.ptr.withByteOffset((long) dense.weights().offset() * 4);
    CUdeviceptr gw = dG.ptr.withByteOffset((long) dense.weights().offset() * 4);
    CUdeviceptr b = dense.bias() == null ? null
        : dP.ptr.withByteOffset((long) dense.bias().offset() * 4);
    CUdeviceptr gb = dense.bias() == null ? null
        : dG.ptr.withByteOffset((long) dense.bias().offset() * 4);
    Launch biasAct = new Launch(gpu, "bias_act", y.ptr, b, batchArg, o, kind, act.param());
    Launch actBack = new Launch(gpu, "act_backward", y.ptr, dy.ptr, elems, kind, act.param());
    Launch colSum = gb == null ? null : new Launch(gpu, "col_sum", dy.ptr, gb, batchArg, o);
    boolean identity = act.kind() == Activation.Kind.IDENTITY;
    return new Step() {
      @Override
      public void forward(int batch) {
        GpuGemm.sgemm(gpu, GpuGemm.Op.NN, batch, o, in, x.ptr, w, y.ptr, false);
        if (!identity || b != null) {
          biasAct.run(batch * o);
        }
      }

      @Override
      public void backward(int batch) {
        if (!identity) {
          elems[0] = batch * o;
          actBack.run(elems[0]);
        }
        GpuGemm.sgemm(gpu, GpuGemm.Op.TN, in, o, batch, x.ptr, dy.ptr, gw, true);
        if (colSum != null) {
          colSum.run(o);
        }
        if (!first) {
          GpuGemm.sgemm(gpu, GpuGemm.Op.NT, batch, in, o, dy.ptr, w, dx.ptr, false);
        }
      }
    };
  }

  @Override
  public double lossAndGrad(float[] p, float[] s, float[] x, float[] y, int batch,
      float[] g) {
    if (batch < 0 || batch > maxBatch) {
      throw new IllegalArgumentException("batch " + batch + " outside [0, " + maxBatch + "]");
    }
    if (p.length < params || g.length < params) {
      throw new IllegalArgumentException("p and g need " + params + " floats");
    }
    gpu.bind();
    batchArg[0] = batch;
    dP.upload(p, params);
    dX.upload(x, batch * spec.inputs());
    dY.upload(y, batch * targetWidth);
    dG.zero(params);
    for (Step st : steps) {
      st.forward(batch);
    }
    lossElems[0] = batch * k;
    lossLaunch.run(lossPerRow ? batch : batch * k);
    for (int i = steps.size() - 1; i >= 0; i--) {
      steps.get(i).backward(batch);
    }
    last.download(out, batch * k);
    int nl = lossPerRow ? batch : batch * k;
    dLoss.download(lossHost, nl);
    double sum = 0;
    for (int i = 0; i < nl; i++) {
      sum += lossHost[i];
    }
    dG.download(gHost, params);
    for (int i = 0; i < params; i++) {
      g[i] += gHost[i];
    }
    return sum;
  }

  @Override
  public float[] output() {
    return out;
  }

  @Override
  public void setDropoutSeed(long seed) {
    host.setDropoutSeed(seed);
  }

  @Override
  public ParamLayout paramLayout() {
    return host.paramLayout();
  }

  @Override
  public ParamLayout stateLayout() {
    return host.stateLayout();
  }

  @Override
  public String device() {
    return "gpu: " + gpu.description();
  }

  @Override
  public void close() {
    gpu.bind();
    for (DeviceBuffer d : owned) {
      d.close();
    }
    owned.clear();
  }
}
