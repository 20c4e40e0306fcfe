package org.sparkprop.driver.exchange;

import java.io.Serializable;

/**
 * Where an epoch's tasks reach the driver's {@link StepServer}, and which try they belong to:
 * address, port, the run's random key (see {@link DriverLink}; it travels only inside the
 * Spark task), whether the connection is sealed, the socket timeout, and the driver's try of
 * this epoch (0 = first).
 */
record Endpoint(String host, int port, byte[] key, boolean seal, int timeoutMillis, int attempt)
    implements Serializable {
  @Override
  public String toString() {
    return "Endpoint[" + host + ":" + port + ", try " + attempt + "]";  // never the key
  }
}
