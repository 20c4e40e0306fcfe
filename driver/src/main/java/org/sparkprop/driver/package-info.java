/**
 * The sparkprop Spark application: {@link org.sparkprop.driver.SparkpropCli} is the command
 * line's entry point (train, evaluate, predict; exit codes 0, 1 and 2) and
 * {@link org.sparkprop.driver.KryoSetup} the Kryo registrator clusters name in their Spark
 * configuration. The data flow runs through the sub-packages: {@code cli} (flags) →
 * {@code data} (read, split, shard) → {@code train} (the epoch loop) → {@code exchange} (how a
 * sync's numbers move) → {@code worker} (the executor side of a step) → {@code eval} and
 * {@code output} (metrics, report, predictions) → {@code store} (Hadoop file systems).
 */
package org.sparkprop.driver;
