/**
 * The activation functions of the lecture notes (identity, step, sigmoid with steepness λ,
 * tanh, ReLU, leaky ReLU, ELU, softplus, softmax) with their derivatives computed from the
 * saved outputs.
 */
package org.sparkprop.trainer.activation;
