package org.sparkprop.trainer.gpu;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/** A float (or double) array in device memory, allocated once; offsets count elements. */
final class DeviceBuffer implements AutoCloseable {
  final CUdeviceptr ptr = new CUdeviceptr();
  final long elements;
  private final int bytesPer;

  DeviceBuffer(long elements, int bytesPer) {
    this.elements = elements;
    this.bytesPer = bytesPer;
    cuMemAlloc(ptr, Math.max(1, elements) * bytesPer);
  }

  static DeviceBuffer floats(long n) {
    return new DeviceBuffer(n, 4);
  }

  static DeviceBuffer doubles(long n) {
    return new DeviceBuffer(n, 8);
  }

  void upload(float[] host, int n) {
    check(n);
    cuMemcpyHtoD(ptr, Pointer.to(host), (long) n * 4);
  }

  void download(float[] host, int n) {
    check(n);
    cuMemcpyDtoH(Pointer.to(host), ptr, (long) n * 4);
  }

  void download(double[] host, int n) {
    check(n);
    cuMemcpyDtoH(Pointer.to(host), ptr, (long) n * 8);
  }

  void zero(int n) {
    check(n);
    if (bytesPer != 4) {
      throw new IllegalStateException("zero() is for float buffers");
    }
    cuMemsetD32(ptr, 0, n);
  }

  private void check(long n) {
    if (n < 0 || n > elements) {
      throw new IllegalArgumentException(n + " elements exceed the buffer's " + elements);
    }
  }

  @Override
  public void close() {
    cuMemFree(ptr);
  }
}
