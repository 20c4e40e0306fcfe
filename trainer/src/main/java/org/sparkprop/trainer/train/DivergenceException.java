package org.sparkprop.trainer.train;

/** Training produced a non-finite loss or gradient; the message names the epoch and step. */
public final class DivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DivergenceException(String message) {
    super(message);
  }
}
