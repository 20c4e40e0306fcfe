package org.sparkprop.trainer.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/**
 * One CUDA device as this JVM uses it: its primary context, the sparkprop kernels (PTX from
 * {@code kernels.ptx}, JIT-compiled by the driver) and a cuBLAS handle. Shared by every engine
 * on the device (one per JVM and device ordinal); {@link #bind} makes the context current on
 * the calling thread, which every entry point does first (Spark runs tasks on many threads).
 *
 * <p>What loading needs: the JCuda natives (in the jcuda-natives jar, linux-x86_64), the NVIDIA
 * driver's {@code libcuda.so.1}, and cuBLAS 12 ({@code libcublas.so.12}: JCuda 12.6.0 links its
 * versioned symbols, so the CUDA 13 {@code libcublas.so.13} does not satisfy it).
 */
public final class Gpu {
  private static final Map<Integer, Gpu> DEVICES = new HashMap<>();
  private static final Map<Integer, Probe> PROBES = new HashMap<>();

  /** Whether a device answers, what it is, and if not, why. */
  public record Probe(boolean usable, String description, String reason) {}

  private final String description;
  private final CUcontext context = new CUcontext();
  private final CUmodule module = new CUmodule();
  private final cublasHandle blas = new cublasHandle();
  private final Map<String, CUfunction> functions = new HashMap<>();

  private Gpu(int ordinal) {
    JCudaDriver.setExceptionsEnabled(true);
    JCublas2.setExceptionsEnabled(true);
    cuInit(0);
    int[] count = new int[1];
    cuDeviceGetCount(count);
    if (ordinal < 0 || ordinal >= count[0]) {
      throw new IllegalStateException("no CUDA device " + ordinal + " (" + count[0]
          + " visible)");
    }
    CUdevice dev = new CUdevice();
    cuDeviceGet(dev, ordinal);
    cuDevicePrimaryCtxRetain(context, dev);
    cuCtxSetCurrent(context);
    byte[] name = new byte[256];
    cuDeviceGetName(name, name.length, dev);
    int[] major = new int[1];
    int[] minor = new int[1];
    cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
        dev);
    cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
        dev);
    int[] driver = new int[1];
    cuDriverGetVersion(driver);
    String n = new String(name, StandardCharsets.US_ASCII).trim();
    int z = n.indexOf('\0');
    this.description = String.format(Locale.ROOT, "%s (device %d, sm_%d%d, driver "
        + "CUDA %d.%d)", z >= 0 ? n.substring(0, z) : n, ordinal, major[0], minor[0],
        driver[0] / 1000, driver[0] % 1000 / 10);
    cuModuleLoadData(module, ptx());
    JCublas2.cublasCreate(blas);
  }

  /** The device, opened once per JVM (thread-safe). */
  public static synchronized Gpu device(int ordinal) {
    Gpu g = DEVICES.get(ordinal);
    if (g == null) {
      g = new Gpu(ordinal);
      DEVICES.put(ordinal, g);
    }
    g.bind();
    return g;
  }

  /**
   * Whether device ordinal can run the kernels here: the natives load, a device answers, the
   * kernels load and cuBLAS starts. Never throws; the reason says what failed (cached).
   */
  public static synchronized Probe probe(int ordinal) {
    Probe p = PROBES.get(ordinal);
    if (p == null) {
      try {
        p = new Probe(true, device(ordinal).description, "");
      } catch (Throwable t) {  // UnsatisfiedLinkError, CudaException, …: all mean "no GPU"
        p = new Probe(false, "", explain(t));
      }
      PROBES.put(ordinal, p);
    }
    return p;
  }

  private static final Pattern MISSING_SO = Pattern.compile(
      "(lib[\\w.+-]+\\.so[.0-9]*): cannot open shared object file");

  /**
   * A one-line reason, from the innermost cause. JCuda's load errors carry whole nested stack
   * traces; the missing library is what matters.
   */
  static String explain(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    String m = r.getMessage() == null ? "" : r.getMessage().replaceAll("\\s+", " ").trim();
    Matcher so = MISSING_SO.matcher(m);
    if (so.find()) {
      String lib = so.group(1);
      String hint = lib.startsWith("libcuda.") ? " (no NVIDIA driver on this machine)"
          : lib.startsWith("libcublas.so") ? " (JCuda " + JCUDA + " needs the CUDA 12 cuBLAS "
              + "runtime, libcublas.so.12, on the library path)" : "";
      return "cannot load " + lib + hint;
    }
    int nested = m.indexOf("---(start of nested");
    if (nested > 0) {
      m = m.substring(0, nested).trim();
    }
    if (m.length() > 300) {
      m = m.substring(0, 300) + "…";
    }
    return r.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
  }

  /** The JCuda version on the class path (its natives' CUDA major version). */
  static final String JCUDA = "12.6.0";

  /** Makes this device's context current on the calling thread. */
  void bind() {
    cuCtxSetCurrent(context);
  }

  cublasHandle blas() {
    return blas;
  }

  synchronized CUfunction function(String name) {
    return functions.computeIfAbsent(name, k -> {
      CUfunction f = new CUfunction();
      cuModuleGetFunction(f, module, k);
      return f;
    });
  }

  public String description() {
    return description;
  }

  /** The kernels' PTX, NUL-terminated as cuModuleLoadData wants it. */
  static byte[] ptx() {
    try (InputStream in = Gpu.class.getResourceAsStream("kernels.ptx")) {
      if (in == null) {
        throw new IllegalStateException("kernels.ptx is missing from the class path");
      }
      byte[] b = in.readAllBytes();
      byte[] z = Arrays.copyOf(b, b.length + 1);
      return z;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read kernels.ptx", e);
    }
  }
}
