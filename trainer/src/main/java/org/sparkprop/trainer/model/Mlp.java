package org.sparkprop.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.kernel.Gemm;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.layer.ActivationLayer;
import org.sparkprop.trainer.layer.BatchNorm;
import org.sparkprop.trainer.layer.Dense;
import org.sparkprop.trainer.layer.Dropout;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.layer.Layer;
import org.sparkprop.trainer.layer.Maxout;
import org.sparkprop.trainer.loss.Loss;
import org.sparkprop.trainer.param.ParamLayout;
import org.sparkprop.trainer.rng.Seeds;

/**
 * The compute engine of one {@link MlpSpec}: its layers, the layouts of the flat parameter
 * array p and state array s, and workspace for batches of up to {@code maxBatch} rows. The
 * arrays themselves belong to the caller, so one engine can evaluate any parameter vector
 * (a Spark broadcast, a checkpoint). Not thread-safe: one per thread or task.
 *
 * <p>B = batch rows, I = inputs, K = outputs. Inputs x are (B, I), targets (B, T), raw outputs
 * (B, K), all row-major from offset 0. Nothing is allocated per call.
 */
public final class Mlp implements GradientEngine {
  private final MlpSpec spec;
  private final Loss loss;
  private final ParamLayout params = new ParamLayout();
  private final ParamLayout state = new ParamLayout();
  private final List<Layer> layers = new ArrayList<>();
  private final List<Dropout> dropouts = new ArrayList<>();
  private final int maxBatch;
  private final String gemmName;
  /** acts[i]: output of layer i, (maxBatch, out_i). */
  private final float[][] acts;
  private final float[] deltaA;
  private final float[] deltaB;
  /** firstParam[i]: the first parameter offset of layer i or of any layer after it. */
  private final int[] firstParam;
  /** While building: the parameter count after each layer (layers own consecutive slices). */
  private final List<Integer> paramEnds = new ArrayList<>();
  /** During a pass with progress: the listener, and the smallest offset it was told. */
  private Progress progress;
  private int reported;
  /** The dense layer whose weight-gradient rows rowsRelay reports: W's offset and width. */
  private int rowsBase;
  private int rowsWidth;
  private final Gemm.RowsFinal rowsRelay = from -> tellReady(rowsBase + from * rowsWidth);

  public Mlp(MlpSpec spec, int maxBatch) {
    this(spec, maxBatch, Kernels.newGemm());
  }

  public Mlp(MlpSpec spec, int maxBatch, Gemm gemm) {
    if (maxBatch <= 0) {
      throw new IllegalArgumentException("maxBatch must be positive");
    }
    this.spec = spec;
    this.loss = spec.lossFunction();
    this.maxBatch = maxBatch;
    this.gemmName = gemm.name();
    int[] sizes = spec.sizes();
    int hiddenCount = sizes.length - 2;
    for (int l = 0; l <= hiddenCount; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      String name = "layer" + (l + 1);
      boolean last = l == hiddenCount;
      Activation act = last ? Activation.IDENTITY : spec.hidden().get(l);
      boolean bn = !last && spec.batchNorm();
      // Maxout: the dense layer computes k pieces per unit, a Maxout layer keeps the largest.
      int k = act.pieces();
      boolean maxout = k > 1;
      int width = out * k;
      // With batch norm the bias is redundant (β plays its role) and the activation follows BN.
      Init init = spec.init() == Init.AUTO ? Dense.autoInit(act) : spec.init();
      Activation fused = bn || maxout ? Activation.IDENTITY : act;
      Dense d = new Dense(name, in, width, !bn, fused, init, params, gemm);
      addLayer(d);
      if (bn) {
        addLayer(new BatchNorm(name + ".bn", width, 0.1, 1e-5, maxBatch, params, state));
        if (!maxout) {
          addLayer(new ActivationLayer(out, act));
        }
      }
      if (maxout) {
        addLayer(new Maxout(out, k, maxBatch));
      }
      if (!last && spec.dropout() > 0) {
        Dropout dr = new Dropout(out, spec.dropout(), maxBatch);
        addLayer(dr);
        dropouts.add(dr);
      }
    }
    firstParam = new int[layers.size()];
    for (int i = 1; i < layers.size(); i++) {
      firstParam[i] = paramEnds.get(i - 1);
    }
    acts = new float[layers.size()][];
    int maxWidth = sizes[0];
    for (int i = 0; i < layers.size(); i++) {
      acts[i] = new float[maxBatch * layers.get(i).outSize()];
      maxWidth = Math.max(maxWidth, layers.get(i).outSize());
    }
    deltaA = new float[maxBatch * maxWidth];
    deltaB = new float[maxBatch * maxWidth];
  }

  private void addLayer(Layer l) {
    layers.add(l);
    paramEnds.add(params.total());
  }

  public MlpSpec spec() {
    return spec;
  }

  public Loss loss() {
    return loss;
  }

  @Override
  public ParamLayout paramLayout() {
    return params;
  }

  @Override
  public ParamLayout stateLayout() {
    return state;
  }

  public int maxBatch() {
    return maxBatch;
  }

  public List<Layer> layers() {
    return List.copyOf(layers);
  }

  public int paramCount() {
    return params.total();
  }

  /** Fresh parameters and state drawn from the seed (stream INIT). */
  public Weights initialise(long seed) {
    float[] p = new float[params.total()];
    float[] s = new float[state.total()];
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.INIT, 0, 0));
    for (Layer l : layers) {
      l.init(p, s, rng);
    }
    return new Weights(p, s);
  }

  /** Seeds the dropout masks of the next training-mode pass (one stream per dropout layer). */
  @Override
  public void setDropoutSeed(long seed) {
    for (int i = 0; i < dropouts.size(); i++) {
      dropouts.get(i).setSeed(Seeds.derive(seed, Seeds.Purpose.DROPOUT, i, 0));
    }
  }

  private void checkBatch(float[] x, int batch) {
    if (batch < 0 || batch > maxBatch) {
      throw new IllegalArgumentException("batch " + batch + " outside [0, " + maxBatch + "]");
    }
    if (x.length < batch * spec.inputs()) {
      throw new IllegalArgumentException("x holds " + x.length + " floats, batch " + batch
          + " × " + spec.inputs() + " inputs needs more");
    }
  }

  /**
   * Raw outputs (B, K) for inputs x (B, I), in a workspace buffer valid until the next call.
   * Training mode applies dropout and batch statistics (and updates running statistics in s).
   */
  public float[] forward(float[] p, float[] s, float[] x, int batch, boolean training) {
    checkBatch(x, batch);
    float[] in = x;
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).forward(p, s, in, acts[i], batch, training);
      in = acts[i];
    }
    return in;
  }

  /**
   * One training-mode forward and backward pass over x (B, I) with targets y (B, T): ADDS the
   * gradient of the summed loss to g (same layout as p) and returns the summed loss. The caller
   * divides by the global example count once.
   */
  @Override
  public double lossAndGrad(float[] p, float[] s, float[] x, float[] y, int batch, float[] g) {
    return lossAndGrad(p, s, x, y, batch, g, true);
  }

  /**
   * As above; with accumulate false the gradient overwrites g: every parameter belongs to
   * exactly one layer, and each layer overwrites its slices.
   */
  @Override
  public double lossAndGrad(float[] p, float[] s, float[] x, float[] y, int batch, float[] g,
      boolean accumulate) {
    return lossAndGrad(p, s, x, y, batch, g, accumulate, null);
  }

  /**
   * As above, telling progress (when not null) after the loss and after each layer whose
   * backward pass finished a part of g.
   */
  @Override
  public double lossAndGrad(float[] p, float[] s, float[] x, float[] y, int batch, float[] g,
      boolean accumulate, Progress progress) {
    float[] out = forward(p, s, x, batch, true);
    int k = spec.outputs();
    float[] dCur = deltaA;
    float[] dNext = deltaB;
    double sum = loss.lossAndGrad(out, y, dCur, batch, k);
    if (progress != null) {
      progress.forwardDone(sum);
    }
    reported = params.total();
    this.progress = progress;
    for (int i = layers.size() - 1; i >= 0; i--) {
      float[] in = i == 0 ? x : acts[i - 1];
      // The first layer's input gradient is never needed.
      float[] dx = i == 0 ? null : dNext;
      Layer layer = layers.get(i);
      if (progress != null && layer instanceof Dense d) {
        // The weight gradient's rows go out in blocks as the product finishes them.
        rowsBase = d.weights().offset();
        rowsWidth = d.outSize();
        d.backward(p, in, acts[i], dCur, dx, g, batch, accumulate, rowsRelay);
      } else {
        layer.backward(p, in, acts[i], dCur, dx, g, batch, accumulate);
      }
      if (progress != null) {
        tellReady(firstParam[i]);
      }
      float[] t = dCur;
      dCur = dNext;
      dNext = t;
    }
    this.progress = null;
    return sum;
  }

  /** Tells the pass's progress that g[from, n) is final, unless it already knows. */
  private void tellReady(int from) {
    if (from < reported) {
      reported = from;
      progress.gradientReady(from);
    }
  }

  /**
   * The offsets {@link #lossAndGrad(float[], float[], float[], float[], int, float[], boolean,
   * Progress)} tells final tails of g from: every layer's first parameter and, inside a dense
   * layer's W, the starts of the row blocks its weight-gradient product finishes at a time.
   */
  @Override
  public int[] gradientReadyPoints() {
    TreeSet<Integer> points = new TreeSet<>();
    points.add(0);
    for (int i = 0; i < layers.size(); i++) {
      points.add(firstParam[i]);
      if (layers.get(i) instanceof Dense d && d.gradientRowBlock() > 0) {
        for (int r = d.gradientRowBlock(); r < d.inSize(); r += d.gradientRowBlock()) {
          points.add(d.weights().offset() + r * d.outSize());
        }
      }
    }
    return points.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Output (B, out_i) of layer i in the last forward pass (valid until the next call). */
  public float[] activations(int i) {
    return acts[i];
  }

  /** Raw outputs (B, K) of the last forward pass (valid until the next call). */
  @Override
  public float[] output() {
    return acts[acts.length - 1];
  }

  @Override
  public String device() {
    return "cpu (" + gemmName + ")";
  }

  /** Nothing to release on the CPU. */
  @Override
  public void close() {}

  /**
   * Monte Carlo dropout's pass: dropout as in training (masks from {@link #setDropoutSeed}),
   * every other layer in evaluation mode (batch norm with its running statistics, which stay
   * unchanged); the output activation applied into probs (B, K).
   */
  public void predictWithDropout(float[] p, float[] s, float[] x, int batch, float[] probs) {
    checkBatch(x, batch);
    float[] in = x;
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).forward(p, s, in, acts[i], batch, layers.get(i) instanceof Dropout);
      in = acts[i];
    }
    loss.outputActivation().forward(in, probs, batch, spec.outputs());
  }

  /** Output probabilities / values (B, K) into probs: the loss's output activation applied. */
  public void predict(float[] p, float[] s, float[] x, int batch, float[] probs) {
    float[] out = forward(p, s, x, batch, false);
    loss.outputActivation().forward(out, probs, batch, spec.outputs());
  }
}
