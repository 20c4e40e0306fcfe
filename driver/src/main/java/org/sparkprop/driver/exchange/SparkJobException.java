package org.sparkprop.driver.exchange;

/** A Spark job of the training failed; the message is the root cause's, on one line. */
public final class SparkJobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SparkJobException(String message, Throwable cause) {
    super(message, cause);
  }
}
