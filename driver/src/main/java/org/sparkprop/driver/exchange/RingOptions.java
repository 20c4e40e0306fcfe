package org.sparkprop.driver.exchange;

import java.io.Serializable;

/**
 * How the ring exchange syncs the gradient: buckets of at least bucketFloats floats (ending at
 * layer boundaries) go on the wire during the backward pass, and with shardOptimizer each of P
 * tasks steps only its 1/P of the parameters and optimizer state (ZeRO stage 1) between the
 * reduce-scatter and the all-gather of the parameters; the gradient's partial sums travel as
 * precision says; with sharedMemory, neighbours on one host link through shared memory.
 */
public record RingOptions(int bucketFloats, boolean shardOptimizer, WirePrecision precision,
    boolean sharedMemory) implements Serializable {
  public RingOptions {
    if (bucketFloats < 1) {
      throw new IllegalArgumentException("bucket of " + bucketFloats + " floats");
    }
  }
}
