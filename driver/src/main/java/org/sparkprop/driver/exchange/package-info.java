/**
 * How the numbers of a sync move between executors and driver, one
 * {@link org.sparkprop.driver.exchange.EpochRunner} per
 * {@link org.sparkprop.driver.exchange.Exchange}: the direct exchange (a barrier stage per
 * epoch whose tasks keep a TCP connection to the driver: {@code DirectTask},
 * {@code StepServer}, {@code Wire}) and the Spark exchange (a Spark job per step:
 * {@code StepSums}, {@code WorkerCache}). An exchange sees the driver only as a
 * {@link org.sparkprop.driver.exchange.DriverSide}.
 */
package org.sparkprop.driver.exchange;
