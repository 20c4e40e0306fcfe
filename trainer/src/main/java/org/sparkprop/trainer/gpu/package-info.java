/**
 * The GPU engine through JCuda: cuBLAS products and our own PTX kernels for the
 * elementwise work; used where {@code --device} chooses it, never required.
 */
package org.sparkprop.trainer.gpu;
