package org.sparkprop.trainer.gpu;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/**
 * One kernel with its arguments bound once: device pointers, int holders whose current value
 * is read at each launch (batch-dependent sizes) and float constants. Launching allocates
 * nothing. Kernels use grid-stride loops, so the grid is only a matter of speed.
 */
final class Launch {
  private static final int THREADS = 256;
  private static final int MAX_BLOCKS = 4096;
  private final CUfunction function;
  private final Pointer params;

  /** args: CUdeviceptr (null for a null pointer), int[] holders, Float constants. */
  Launch(Gpu gpu, String kernel, Object... args) {
    this.function = gpu.function(kernel);
    Pointer[] ps = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        ps[i] = Pointer.to(new CUdeviceptr());
      } else if (a instanceof CUdeviceptr d) {
        ps[i] = Pointer.to(d);
      } else if (a instanceof int[] h) {
        ps[i] = Pointer.to(h);
      } else if (a instanceof Float f) {
        ps[i] = Pointer.to(new float[] {f});
      } else {
        throw new IllegalArgumentException("kernel argument " + i + ": " + a.getClass());
      }
    }
    this.params = Pointer.to(ps);
  }

  /** Launches with enough threads for n elements (rows, columns) of work. */
  void run(int n) {
    if (n <= 0) {
      return;
    }
    int blocks = Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS);
    cuLaunchKernel(function, blocks, 1, 1, THREADS, 1, 1, 0, null, params, null);
  }
}
