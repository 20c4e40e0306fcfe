package org.sparkprop.trainer.io;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue a run exactly: the cursor (epoch in progress, 1-based; steps
 * of it already taken; global step count), parameters, model state (batch-norm statistics),
 * optimizer state arrays in the optimizer's own order (for parameter averaging with per-worker
 * optimizers: worker 0's arrays, then worker 1's, …) and text metadata (the resolved config, the
 * metrics history). Random streams are derived from (seed, purpose, epoch/step, partition), so
 * the cursor is the whole RNG state.
 */
public record Checkpoint(int epoch, int stepInEpoch, long step, float[] params, float[] state,
    List<float[]> optimizerState, Map<String, String> metadata) {
  public Checkpoint {
    optimizerState = List.copyOf(optimizerState);
    metadata = Map.copyOf(metadata);
  }
}
