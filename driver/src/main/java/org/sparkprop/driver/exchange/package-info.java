/**
 * How the numbers of a sync move between the executors and the driver, one
 * {@link org.sparkprop.driver.exchange.EpochRunner} per
 * {@link org.sparkprop.driver.exchange.Exchange}: the direct exchange (a barrier stage per
 * epoch whose tasks keep a TCP connection to the driver, which sums and steps:
 * {@code DirectTask}, {@code StepServer}, {@code Wire}), the ring exchange (a barrier stage for
 * all epochs whose tasks all-reduce among themselves, step themselves and evaluate their
 * validation shards: {@code RingTask} on the {@code collective} ring) and the Spark
 * exchange (a Spark job per step: {@code StepSums}, {@code WorkerCache}). An exchange sees
 * the driver only as a {@link org.sparkprop.driver.exchange.DriverSide}.
 */
package org.sparkprop.driver.exchange;
