package org.sparkprop.driver.data;

/**
 * How a training or validation shard holds its features ({@code --shard-storage}).
 *
 * <ul>
 *   <li>{@code auto}: one byte per feature when every raw value of the block is an integer in
 *       0..255 (checked, never assumed), widened with the scaling in the minibatch gather;
 *       else 4-byte floats. Lossless: the same bits as floats.
 *   <li>{@code float32}: always 4-byte scaled floats.
 *   <li>{@code bf16}: bytes where {@code auto} would use them, else the scaled features
 *       rounded to bfloat16 (2 bytes: float32's sign, exponent and top 7 mantissa bits, round
 *       to nearest even), widened back to float32 in the gather. Lossy: a relative error of at
 *       most 2<sup>−8</sup> per feature.
 * </ul>
 *
 * The test set is always held losslessly ({@code auto}), so its measures are those of the
 * model as it predicts.
 */
public enum Storage {
  AUTO("auto"),
  FLOAT32("float32"),
  BF16("bf16");

  private final String name;

  Storage(String name) {
    this.name = name;
  }

  @Override
  public String toString() {
    return name;
  }
}
