package org.sparkprop.ml;

import org.apache.spark.ml.util.Identifiable$;

/**
 * A stage's uid while Spark ML's constructors run. Spark's Scala stages receive their uid as a
 * constructor field that exists before the superclass constructor builds the shared params
 * (featuresCol, …), which read it; a Java subclass's fields are only assigned afterwards. So a
 * constructor stages its uid here first (in the arguments of its {@code this(…)} call) and
 * {@code uid()} answers with it until the field is set.
 */
final class Uids {
  private static final ThreadLocal<String> STAGED = new ThreadLocal<>();

  private Uids() {}

  /** A new random uid with prefix, as Spark's stages make them. */
  static String random(String prefix) {
    return Identifiable$.MODULE$.randomUID(prefix);
  }

  /** Stages uid for the constructor about to run on this thread; returns it. */
  static String stage(String uid) {
    STAGED.set(uid);
    return uid;
  }

  /** The uid staged on this thread (during a constructor). */
  static String staged() {
    String u = STAGED.get();
    if (u == null) {
      throw new IllegalStateException("no uid staged: construct stages through their public "
          + "constructors");
    }
    return u;
  }

  /** Ends the construction on this thread. */
  static void done() {
    STAGED.remove();
  }
}
