/**
 * The CPU kernel: matrix products over flat row-major float arrays (the Vector API kernel
 * {@code VectorGemm}, a plain-Java fallback) and the elementwise loops, chosen once per JVM by
 * {@link org.sparkprop.trainer.kernel.Kernels}. The only tuned code of the project.
 */
package org.sparkprop.trainer.kernel;
