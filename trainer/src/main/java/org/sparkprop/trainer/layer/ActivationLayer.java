package org.sparkprop.trainer.layer;

import org.sparkprop.trainer.activation.Activation;

/** A parameter-free activation stage (used after batch normalisation). x, y: (B, C). */
public final class ActivationLayer implements Layer {
  private final int width;
  private final Activation act;

  public ActivationLayer(int width, Activation act) {
    this.width = width;
    this.act = act;
  }

  public Activation activation() {
    return act;
  }

  @Override
  public int inSize() {
    return width;
  }

  @Override
  public void forward(float[] p, float[] s, float[] x, float[] y, int batch, boolean training) {
    act.forward(x, y, batch, width);
  }

  @Override
  public void backward(float[] p, float[] x, float[] y, float[] dy, float[] dx, float[] g,
      int batch, boolean accumulate) {
    if (dx != null) {
      act.backward(y, dy, dx, batch, width);
    }
  }
}
