package org.sparkprop.driver.exchange;

import java.io.Serializable;

/**
 * Where an epoch's tasks reach the driver's {@link StepServer}, and which try they belong to:
 * address, port, the run's random token, the socket timeout, and the driver's try of this
 * epoch (0 = first).
 */
record Endpoint(String host, int port, long token, int timeoutMillis, int attempt)
    implements Serializable {}
