package org.sparkprop.driver.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparkprop.trainer.io.Checkpoint;

/**
 * Everything of a training run that the driver changes from sync to sync, in one place:
 * parameters (n), model state (S: batch-norm running statistics), the global step count, and
 * the optimizer state. {@link #copy} and {@link #restore(RunState)} cover every field, so a
 * retried epoch cannot forget one; {@link #toCheckpoint} and {@code restore(Checkpoint, …)} are
 * the conversion to and from the checkpoint format.
 *
 * <p>Optimizer state: {@code optimizer} (O, n) are the driver optimizer's own arrays (its state
 * with gradient sync; the averaged worker state with parameter averaging), updated in place;
 * {@code perWorker} (P, O, n) holds one set per worker when parameter averaging keeps worker
 * state apart, else null. The arrays are never replaced, only overwritten, because the
 * optimizer holds them.
 */
public final class RunState {
  final float[] params;
  final float[] state;
  long step;
  final float[][] optimizer;
  final float[][][] perWorker;

  RunState(float[] params, float[] state, float[][] optimizer, float[][][] perWorker) {
    this.params = params;
    this.state = state;
    this.optimizer = optimizer;
    this.perWorker = perWorker;
  }

  /** The parameters (n), trained in place. */
  public float[] params() {
    return params;
  }

  /** The model state (S), trained in place. */
  public float[] state() {
    return state;
  }

  /** Global steps taken. */
  public long step() {
    return step;
  }

  /** The optimizer state arrays a worker is sent with parameter averaging (O, n). */
  public float[][] optimizerFor(int worker) {
    return perWorker != null ? perWorker[worker] : optimizer;
  }

  /** A deep copy. */
  RunState copy() {
    float[][][] per = null;
    if (perWorker != null) {
      per = new float[perWorker.length][][];
      for (int q = 0; q < per.length; q++) {
        per[q] = deepCopy(perWorker[q]);
      }
    }
    RunState c = new RunState(params.clone(), state.clone(), deepCopy(optimizer), per);
    c.step = step;
    return c;
  }

  /** Overwrites every field with from's (a {@link #copy} of this run). */
  void restore(RunState from) {
    System.arraycopy(from.params, 0, params, 0, params.length);
    System.arraycopy(from.state, 0, state, 0, state.length);
    step = from.step;
    copyInto(from.optimizer, optimizer);
    if (perWorker != null) {
      for (int q = 0; q < perWorker.length; q++) {
        copyInto(from.perWorker[q], perWorker[q]);
      }
    }
  }

  /** The checkpoint of this state at a cursor, with metadata. */
  Checkpoint toCheckpoint(int epoch, int stepInEpoch, Map<String, String> metadata) {
    List<float[]> opt = new ArrayList<>();
    if (perWorker != null) {
      for (float[][] w : perWorker) {
        opt.addAll(List.of(w));
      }
    } else {
      opt.addAll(List.of(optimizer));
    }
    return new Checkpoint(epoch, stepInEpoch, step, params, state, opt, metadata);
  }

  /**
   * Overwrites parameters, state, step and optimizer state with the checkpoint's, which must
   * have the same shapes (arch and optimizer name the run, for the messages).
   */
  void restore(Checkpoint c, String arch, String optimizerName) {
    if (c.params().length != params.length || c.state().length != state.length) {
      throw new IllegalArgumentException("the checkpoint's parameters (" + c.params().length
          + ") do not match architecture " + arch + " (" + params.length + ")");
    }
    List<float[]> opt = c.optimizerState();
    int sets = perWorker == null ? 1 : perWorker.length;
    if (opt.size() != sets * optimizer.length) {
      throw new IllegalArgumentException("the checkpoint's optimizer state (" + opt.size()
          + " arrays) does not match optimizer " + optimizerName
          + (perWorker == null ? "" : " with one state per worker for " + sets + " workers"));
    }
    for (float[] o : opt) {
      if (o.length != params.length) {
        throw new IllegalArgumentException("the checkpoint's optimizer state has " + o.length
            + " values per array, the model " + params.length);
      }
    }
    System.arraycopy(c.params(), 0, params, 0, params.length);
    System.arraycopy(c.state(), 0, state, 0, state.length);
    for (int i = 0; i < opt.size(); i++) {
      int o = i % optimizer.length;
      float[] into = perWorker == null ? optimizer[o] : perWorker[i / optimizer.length][o];
      System.arraycopy(opt.get(i), 0, into, 0, params.length);
    }
    step = c.step();
  }

  private static float[][] deepCopy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  private static void copyInto(float[][] from, float[][] to) {
    for (int i = 0; i < to.length; i++) {
      System.arraycopy(from[i], 0, to[i], 0, to[i].length);
    }
  }
}
