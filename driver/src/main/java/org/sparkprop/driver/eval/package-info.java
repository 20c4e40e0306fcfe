/**
 * Distributed evaluation and prediction with a trained model: the weights are broadcast once,
 * every task runs the model in evaluation mode over its block, and only sums (or, for
 * predictions, per-partition results kept on the executors) come back.
 */
package org.sparkprop.driver.eval;
