package org.sparkprop.trainer.gpu;

import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import org.sparkprop.trainer.kernel.Gemm;

/**
 * The {@link Gemm} interface on cuBLAS, for host arrays: A, B (and C when accumulating) are
 * copied to the device, multiplied by {@code cublasSgemm} and C is copied back. This is the
 * kernel-level check of the GPU path (the same tests as every CPU kernel); training uses
 * {@link GpuMlp}, which keeps everything on the device for a whole step.
 *
 * <p>Row-major on a column-major library: a row-major (R, C) matrix is its column-major
 * transpose, so C = A·B is computed as Cᵀ = Bᵀ·Aᵀ with the operands swapped.
 */
public final class GpuGemm implements Gemm, AutoCloseable {
  private final Gpu gpu;
  private DeviceBuffer a;
  private DeviceBuffer b;
  private DeviceBuffer c;
  private static final Pointer ONE = Pointer.to(new float[] {1f});
  private static final Pointer ZERO = Pointer.to(new float[] {0f});

  public GpuGemm(int ordinal) {
    this.gpu = Gpu.device(ordinal);
  }

  @Override
  public void nn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    run(Op.NN, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  }

  @Override
  public void nt(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    run(Op.NT, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  }

  @Override
  public void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    run(Op.TN, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  }

  /** The three layouts, as in {@link Gemm}. */
  enum Op { NN, NT, TN }

  private void run(Op op, int m, int n, int k, float[] ha, int aOff, float[] hb, int bOff,
      float[] hc, int cOff, boolean accumulate) {
    Gemm.checkShapes(m, n, k, ha, aOff, hb, bOff, hc, cOff);
    if (m == 0 || n == 0) {
      return;
    }
    gpu.bind();
    a = fit(a, (long) m * k);
    b = fit(b, (long) k * n);
    c = fit(c, (long) m * n);
    copyIn(a, ha, aOff, m * k);
    copyIn(b, hb, bOff, k * n);
    if (accumulate) {
      copyIn(c, hc, cOff, m * n);
    }
    sgemm(gpu, op, m, n, k, a.ptr, b.ptr, c.ptr, accumulate);
    JCudaDriver.cuMemcpyDtoH(Pointer.to(hc).withByteOffset((long) cOff * 4),
        c.ptr, (long) m * n * 4);
  }

  /**
   * C (M,N) row-major = op(A)·op(B) on device pointers, added to C when {@code accumulate},
   * else overwriting it. The layouts as in {@link Gemm}: NN A(M,K)·B(K,N); NT A(M,K)·B(N,K)ᵀ;
   * TN A(K,M)ᵀ·B(K,N).
   */
  static void sgemm(Gpu gpu, Op op, int m, int n, int k, CUdeviceptr a, CUdeviceptr b,
      CUdeviceptr c, boolean accumulate) {
    if (k == 0) {
      // An empty sum: C stays (accumulate) or becomes zero.
      if (!accumulate) {
        JCudaDriver.cuMemsetD32(c, 0, (long) m * n);
      }
      return;
    }
    Pointer beta = accumulate ? ONE : ZERO;
    switch (op) {
      case NN -> JCublas2.cublasSgemm(gpu.blas(), CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, ONE,
          b, n, a, k, beta, c, n);
      case NT -> JCublas2.cublasSgemm(gpu.blas(), CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, ONE,
          b, k, a, k, beta, c, n);
      case TN -> JCublas2.cublasSgemm(gpu.blas(), CUBLAS_OP_N, CUBLAS_OP_T, n, m, k, ONE,
          b, n, a, m, beta, c, n);
      default -> throw new IllegalArgumentException(op.name());
    }
  }

  private static void copyIn(DeviceBuffer d, float[] h, int off, int n) {
    JCudaDriver.cuMemcpyHtoD(d.ptr, Pointer.to(h).withByteOffset((long) off * 4),
        (long) n * 4);
  }

  private static DeviceBuffer fit(DeviceBuffer d, long n) {
    if (d != null && d.elements >= n) {
      return d;
    }
    if (d != null) {
      d.close();
    }
    return DeviceBuffer.floats(Math.max(n, 1));
  }

  @Override
  public String name() {
    return "cublas";
  }

  @Override
  public void close() {
    for (DeviceBuffer d : new DeviceBuffer[] {a, b, c}) {
      if (d != null) {
        d.close();
      }
    }
  }
}
