package org.sparkprop.trainer.data;

import java.io.Serializable;
import java.util.Arrays;
import org.sparkprop.trainer.loss.Task;

/**
 * What the readers expect as a row's targets, and how they check them: a class index in
 * [0, classes) (classification; one value per row), width real numbers (regression), or width
 * binary labels (multi-label). Text forms: a class is an integer; regression values and
 * multi-label 0/1 flags are comma-separated; LibSVM writes a label set as its comma-separated
 * label indices ({@code 1,3,7}; nothing before the first feature for an empty set).
 */
public record Targets(Task task, int width) implements Serializable {
  public Targets {
    if (width < 1) {
      throw new IllegalArgumentException("targets need a width ≥ 1, got " + width);
    }
  }

  /** Class indices in [0, classes). */
  public static Targets classes(int classes) {
    return new Targets(Task.CLASSIFICATION, classes);
  }

  /** The targets a network with outputs outputs for task takes (classes for classification). */
  public static Targets of(Task task, int outputs, int classes) {
    return task == Task.CLASSIFICATION ? classes(classes) : new Targets(task, outputs);
  }

  /** Values per row in the dataset: 1 for a class index, width otherwise. */
  public int perRow() {
    return task == Task.CLASSIFICATION ? 1 : width;
  }

  /** Why v is not a valid value for target j (0-based), or null when it is. */
  public String problem(float v, int j) {
    return switch (task) {
      case CLASSIFICATION -> v == Math.rint(v) && v >= 0 && v < width ? null
          : "label " + num(v) + " is not a class in [0, " + width + ")";
      case REGRESSION -> Float.isFinite(v) ? null : "target " + (j + 1) + " is " + v;
      case MULTILABEL -> v == 0 || v == 1 ? null
          : "label " + (j + 1) + " is " + num(v) + ", expected 0 or 1";
    };
  }

  /**
   * Parses text (a labels-file line, or a table's label field) into y[off, off + perRow()):
   * an integer class, or perRow() comma-separated numbers.
   *
   * @throws IllegalArgumentException with the reason
   */
  public void parse(String text, float[] y, int off) {
    String t = text.trim();
    if (task == Task.CLASSIFICATION) {
      y[off] = check(number(t, "an integer label"), 0);
      return;
    }
    String[] f = t.split(",", -1);
    if (f.length != width) {
      throw new IllegalArgumentException(f.length + (f.length == 1 ? " value" : " values")
          + ", the network has " + width + " outputs" + (task == Task.MULTILABEL
          ? " (one 0/1 flag per label)" : ""));
    }
    for (int j = 0; j < width; j++) {
      y[off + j] = check(number(f[j].trim(), "a number"), j);
    }
  }

  /**
   * Parses a LibSVM label field into y[off, off + perRow()): a class, comma-separated real
   * targets, or the comma-separated indices of the labels present (text empty: none).
   */
  public void parseLibSvm(String text, float[] y, int off) {
    if (task != Task.MULTILABEL) {
      parse(text, y, off);
      return;
    }
    Arrays.fill(y, off, off + width, 0f);
    if (text.isEmpty()) {
      return;
    }
    for (String f : text.split(",", -1)) {
      float v = number(f.trim(), "a label index");
      if (v != Math.rint(v) || v < 0 || v >= width) {
        throw new IllegalArgumentException("label " + num(v) + " is not in [0, " + width + ")");
      }
      if (y[off + (int) v] != 0) {
        throw new IllegalArgumentException("label " + num(v) + " is listed twice");
      }
      y[off + (int) v] = 1;
    }
  }

  private float check(float v, int j) {
    String p = problem(v, j);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    return v;
  }

  private static float number(String s, String what) {
    try {
      float v = Float.parseFloat(s);
      if (!Float.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "' is not " + what);
    }
  }

  private static String num(float v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Float.toString(v);
  }
}
