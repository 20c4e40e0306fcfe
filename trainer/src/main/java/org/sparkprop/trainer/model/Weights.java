package org.sparkprop.trainer.model;

import java.io.Serializable;

/**
 * A model's numbers: the flat parameters (n, see {@link Mlp#paramLayout()}) and the flat
 * state (S: batch-norm running statistics, see {@link Mlp#stateLayout()}). Holds the arrays
 * it is given, no copies.
 *
 * <p>A plain class rather than a record: Spark broadcasts it through Kryo (version 4), which
 * restores fields by reflection, and record fields forbid that.
 */
public final class Weights implements Serializable {
  private static final long serialVersionUID = 1L;

  private float[] params;
  private float[] state;

  public Weights(float[] params, float[] state) {
    this.params = params;
    this.state = state;
  }

  /** The parameters (n). */
  public float[] params() {
    return params;
  }

  /** The model state (S). */
  public float[] state() {
    return state;
  }
}
