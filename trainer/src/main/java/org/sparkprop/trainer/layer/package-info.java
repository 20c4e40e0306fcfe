/**
 * The layers of a feed-forward network (dense, batch normalisation, dropout, activation),
 * each bound to its slices of the flat parameter and state arrays, with forward and backward
 * passes on caller-owned buffers; and the weight initialisations.
 */
package org.sparkprop.trainer.layer;
