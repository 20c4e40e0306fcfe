package org.sparkprop.driver;

/** One-line error messages from the exceptions that Spark and Hadoop wrap. */
public final class Errors {
  private Errors() {}

  /**
   * The innermost message of t's cause chain (the last cause that has one), first line only:
   * Spark's stage-failure text repeats the executor's exception and stack trace. Without any
   * message, the innermost cause's class name.
   */
  public static String rootMessage(Throwable t) {
    Throwable r = t;
    String msg = t.getMessage();
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
      if (r.getMessage() != null) {
        msg = r.getMessage();
      }
    }
    if (msg == null) {
      return r.getClass().getSimpleName();
    }
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl) : msg;
  }
}
