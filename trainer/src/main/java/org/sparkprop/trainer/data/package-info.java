/**
 * Datasets in memory and their readers: IDX, the course project's CSV pair, LibSVM;
 * Fashion-MNIST; the input scalings ({@link org.sparkprop.trainer.data.Scaling},
 * {@link org.sparkprop.trainer.data.Normalizer}) and the minibatch gather.
 */
package org.sparkprop.trainer.data;
