package org.sparkprop.trainer.data;

import java.io.IOException;

/** Malformed input data: says which file, where (line or byte offset) and why. */
public final class DataFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(String file, String where, String reason) {
    super(file + (where == null || where.isEmpty() ? "" : ", " + where) + ": " + reason);
  }

  /** One already composed as "file, where: reason" (e.g. sent back by an executor). */
  public DataFormatException(String message) {
    super(message);
  }
}
