/**
 * The flat parameter layout: every tensor a named {@code Slice} of one float array, which
 * gradients, optimizer state and checkpoints share.
 */
package org.sparkprop.trainer.param;
