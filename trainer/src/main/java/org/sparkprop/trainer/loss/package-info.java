/**
 * The losses: softmax cross-entropy (fused with its softmax), sigmoid binary cross-entropy for
 * multi-label outputs, squared error for regression; each returns the summed loss and its
 * gradient.
 */
package org.sparkprop.trainer.loss;
