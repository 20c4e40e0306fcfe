package org.sparkprop.trainer.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.layer.Init;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.loss.TaskLoss;

/**
 * The architecture of a sequential MLP: layer sizes (input first, outputs last), one activation
 * per hidden layer, the output loss (which fixes the output activation), dropout after each
 * hidden layer, optional batch normalisation before each hidden activation, the weight
 * initialisation and the task (what the outputs mean, {@link Task}). Immutable and validated
 * here, so a built model is always consistent.
 */
public record MlpSpec(int[] sizes, List<Activation> hidden, LossKind loss, double dropout,
    boolean batchNorm, Init init, Task task) implements Serializable {

  public MlpSpec {
    if (sizes == null || sizes.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least an input and an output size");
    }
    for (int s : sizes) {
      if (s <= 0) {
        throw new IllegalArgumentException("layer sizes must be positive: "
            + Arrays.toString(sizes));
      }
    }
    sizes = sizes.clone();
    if (hidden.size() == 1 && sizes.length - 2 > 1) {
      hidden = Collections.nCopies(sizes.length - 2, hidden.get(0));
    }
    if (hidden.size() != sizes.length - 2) {
      throw new IllegalArgumentException(sizes.length - 2 + " hidden layers but " + hidden.size()
          + " activations");
    }
    for (Activation a : hidden) {
      // Binary step units are allowed in networks that are evaluated, not trained by
      // gradient (the notes' hand-built XOR): their backward pass refuses with a message.
      if (a.kind() == Activation.Kind.SOFTMAX) {
        throw new IllegalArgumentException("hidden activation '" + a
            + "' is not usable in a hidden layer");
      }
    }
    hidden = List.copyOf(hidden);
    if (loss == null) {
      throw new IllegalArgumentException("an MLP needs a loss");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (init == null) {
      init = Init.AUTO;
    }
    if (task == null) {
      task = Task.impliedBy(loss);
    }
    task.checkLoss(loss, sizes[sizes.length - 1]);
  }

  /** A spec whose task the loss implies ({@link Task#impliedBy}). */
  public MlpSpec(int[] sizes, List<Activation> hidden, LossKind loss, double dropout,
      boolean batchNorm, Init init) {
    this(sizes, hidden, loss, dropout, batchNorm, init, null);
  }

  /** Whether every hidden activation has a gradient (no binary step units). */
  public boolean trainable() {
    for (Activation a : hidden) {
      if (!a.differentiable()) {
        return false;
      }
    }
    return true;
  }

  /** Parses an architecture like {@code 784-256-128-10}. */
  public static int[] parseSizes(String arch) {
    String[] parts = arch.trim().split("-");
    int[] sizes = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        sizes[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("architecture '" + arch + "': '" + parts[i]
            + "' is not a layer size (expected e.g. 784-256-128-10)");
      }
    }
    return sizes;
  }

  /** A spec with the given sizes and one hidden activation for every hidden layer. */
  public static MlpSpec of(String arch, String hiddenActivation, String loss) {
    int[] sizes = parseSizes(arch);
    List<Activation> acts = new ArrayList<>();
    for (int i = 0; i < sizes.length - 2; i++) {
      acts.add(Activation.parse(hiddenActivation));
    }
    return new MlpSpec(sizes, acts, LossKind.parse(loss), 0, false, Init.AUTO);
  }

  public MlpSpec withDropout(double rate) {
    return new MlpSpec(sizes, hidden, loss, rate, batchNorm, init, task);
  }

  public MlpSpec withBatchNorm(boolean on) {
    return new MlpSpec(sizes, hidden, loss, dropout, on, init, task);
  }

  public MlpSpec withInit(Init i) {
    return new MlpSpec(sizes, hidden, loss, dropout, batchNorm, i, task);
  }

  public MlpSpec withTask(Task t) {
    return new MlpSpec(sizes, hidden, loss, dropout, batchNorm, init, t);
  }

  /**
   * The loss computation with this task's targets (one instance per thread: it may keep a
   * one-hot buffer), see {@link TaskLoss}.
   */
  public TaskLoss lossFunction() {
    return new TaskLoss(task, loss, outputs());
  }

  public int inputs() {
    return sizes[0];
  }

  public int outputs() {
    return sizes[sizes.length - 1];
  }

  @Override
  public int[] sizes() {
    return sizes.clone();
  }

  /** The architecture as text, e.g. {@code 784-256-128-10}. */
  public String arch() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < sizes.length; i++) {
      b.append(i == 0 ? "" : "-").append(sizes[i]);
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MlpSpec s && Arrays.equals(sizes, s.sizes) && hidden.equals(s.hidden)
        && loss.equals(s.loss) && dropout == s.dropout && batchNorm == s.batchNorm
        && init == s.init && task == s.task;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes) * 31 + hidden.hashCode();
  }

  @Override
  public String toString() {
    return "MlpSpec[" + arch() + ", hidden=" + hidden + ", loss=" + loss + ", dropout=" + dropout
        + ", batchNorm=" + batchNorm + ", init=" + init + ", task=" + task + "]";
  }
}
