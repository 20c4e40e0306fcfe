/**
 * What train writes: metrics.json (through Jackson) and metrics.csv, report.html with its
 * plots, per-layer monitoring, Parquet predictions, and {@code TrainOutputs}, which computes
 * everything before publishing any of it.
 */
package org.sparkprop.driver.output;
