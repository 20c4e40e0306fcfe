/**
 * Training on one machine ({@code Trainer}, with threads), and what the Spark driver shares
 * with it: the configuration, the update of one step (L2, clipping, divergence check,
 * schedule, optimizer), early stopping, and the per-epoch metrics.
 */
package org.sparkprop.trainer.train;
