package org.sparkprop.trainer.loss;

import java.util.Arrays;
import org.sparkprop.trainer.activation.Activation;

/**
 * A loss with its task's targets: what the network trains on and counts as correct, with the
 * targets as readers give them ({@link Task#targetWidth}). Classification over K ≥ 2 outputs
 * with a per-output loss one-hot encodes each row's class index into a buffer kept between
 * calls (so an instance serves one thread); every other case passes the targets through. The
 * loss values and gradients are the inner loss's, bit for bit.
 */
public final class TaskLoss implements Loss {
  private final Task task;
  private final LossKind kind;
  private final Loss inner;
  private final boolean oneHot;
  private float[] encoded = new float[0];

  public TaskLoss(Task task, LossKind kind, int k) {
    task.checkLoss(kind, k);
    this.task = task;
    this.kind = kind;
    this.inner = kind.create();
    this.oneHot = task == Task.CLASSIFICATION && kind != LossKind.SOFTMAX_CE && k > 1;
  }

  public Task task() {
    return task;
  }

  public LossKind kind() {
    return kind;
  }

  /** The per-output targets the inner loss sees: one-hot rows, or targets itself. */
  private float[] innerTargets(float[] targets, int batch, int k) {
    if (!oneHot) {
      return targets;
    }
    if (encoded.length < batch * k) {
      encoded = new float[batch * k];
    }
    Arrays.fill(encoded, 0, batch * k, 0f);
    for (int r = 0; r < batch; r++) {
      encoded[r * k + (int) targets[r]] = 1f;
    }
    return encoded;
  }

  @Override
  public double lossAndGrad(float[] out, float[] targets, float[] dOut, int batch, int k) {
    return inner.lossAndGrad(out, innerTargets(targets, batch, k), dOut, batch, k);
  }

  @Override
  public double loss(float[] out, float[] targets, int batch, int k) {
    return inner.loss(out, innerTargets(targets, batch, k), batch, k);
  }

  @Override
  public Activation outputActivation() {
    return inner.outputActivation();
  }

  @Override
  public int targetWidth(int k) {
    return task.targetWidth(k);
  }

  /**
   * Whether raw output z is a positive decision at probability threshold 0.5: z ≥ 0 under a
   * sigmoid, z ≥ 0.5 for an identity output.
   */
  private boolean positive(float z) {
    return outputActivation().kind() == Activation.Kind.IDENTITY ? z >= 0.5f : z >= 0;
  }

  /** The predicted class of row r of raw outputs (K = 1: the binary decision). */
  public int predictedClass(float[] out, int r, int k) {
    return k == 1 ? (positive(out[r]) ? 1 : 0) : SoftmaxCrossEntropy.argmax(out, r * k, k);
  }

  @Override
  public long correct(float[] out, float[] targets, int batch, int k) {
    long c = 0;
    switch (task) {
      case CLASSIFICATION -> {
        for (int r = 0; r < batch; r++) {
          if (predictedClass(out, r, k) == (int) targets[r]) {
            c++;
          }
        }
      }
      case MULTILABEL -> {
        for (int i = 0; i < batch * k; i++) {
          if (positive(out[i]) == (targets[i] >= 0.5f)) {
            c++;
          }
        }
      }
      default -> { }
    }
    return c;
  }

  @Override
  public int predictionsPerRow(int k) {
    return switch (task) {
      case CLASSIFICATION -> 1;
      case MULTILABEL -> k;
      case REGRESSION -> 0;
    };
  }

  @Override
  public void validateTargets(float[] targets, int rows, int k) {
    switch (task) {
      case CLASSIFICATION -> {
        int classes = Math.max(2, k);
        for (int r = 0; r < rows; r++) {
          float t = targets[r];
          if (!(t >= 0 && t < classes) || t != Math.rint(t)) {
            throw new IllegalArgumentException("row " + r + ": class label " + t
                + " is not an integer in [0, " + classes + ")");
          }
        }
      }
      case MULTILABEL -> {
        for (int i = 0; i < rows * k; i++) {
          if (targets[i] != 0 && targets[i] != 1) {
            throw new IllegalArgumentException("row " + (i / k) + ", label " + (i % k)
                + ": target " + targets[i] + " is not 0 or 1");
          }
        }
      }
      case REGRESSION -> inner.validateTargets(targets, rows, k);
      default -> throw new IllegalStateException(task.name());
    }
  }

  @Override
  public String name() {
    return inner.name();
  }
}
