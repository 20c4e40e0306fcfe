package org.sparkprop.trainer.param;

/**
 * A named tensor inside the flat parameter (or state) array: rows × cols floats, row-major,
 * starting at offset. {@code decay} says whether L2 / weight decay applies (weights yes,
 * biases and normalisation parameters no).
 */
public record Slice(String name, int offset, int rows, int cols, boolean decay) {
  public int size() {
    return rows * cols;
  }

  public int end() {
    return offset + size();
  }
}
