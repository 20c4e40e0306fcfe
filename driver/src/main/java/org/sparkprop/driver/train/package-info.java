/**
 * Synchronous data-parallel training on Spark, the driver's side:
 * {@link org.sparkprop.driver.train.SparkTrainer} runs the epoch loop (validation, early
 * stopping, checkpoints, retries through the exchange), {@code DriverUpdate} combines each
 * sync's sums into the {@link org.sparkprop.driver.train.RunState} and takes the optimizer
 * step; {@code TrainOptions}, {@code Sync} and {@code LrScaling} say how the run is
 * distributed.
 */
package org.sparkprop.driver.train;
