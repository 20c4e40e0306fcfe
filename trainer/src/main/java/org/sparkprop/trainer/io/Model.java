package org.sparkprop.trainer.io;

import java.io.Serializable;
import java.util.Map;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * A trained model as it is saved: architecture, input scaling, flat parameters, flat state
 * (batch-norm running statistics) and free-form metadata (resolved config, metrics, version).
 */
public record Model(MlpSpec spec, Normalizer normalizer, float[] params, float[] state,
    Map<String, String> metadata) implements Serializable {
  public Model {
    metadata = Map.copyOf(metadata);
  }
}
