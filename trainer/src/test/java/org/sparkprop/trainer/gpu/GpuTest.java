package org.sparkprop.trainer.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.model.Device;
import org.sparkprop.trainer.model.Engines;
import org.sparkprop.trainer.model.GradientEngine;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

/**
 * The GPU engine: device selection everywhere; equivalence with the CPU engine where a GPU
 * answers (skipped, with the probe's reason, where none does: CI has no GPU).
 */
class GpuTest {
  private static final Gpu.Probe PROBE = Gpu.probe(0);

  private static void assumeGpu() {
    assumeTrue(PROBE.usable(), "no usable GPU: " + PROBE.reason());
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = Gpu.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void thePtxIsBuiltFromTheCurrentSourceAndHasEveryKernel() throws Exception {
    String cu = resource("kernels.cu");
    String ptx = resource("kernels.ptx");
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(cu.getBytes(StandardCharsets.UTF_8)));
    assertTrue(ptx.startsWith("// source sha256: " + sha), "kernels.ptx is stale: run "
        + "scripts/build-ptx.sh");
    for (String k : List.of("bias_act", "act_backward", "col_sum", "mul", "softmax_xent",
        "sigmoid_bce", "squared_error")) {
      assertTrue(ptx.contains(".visible .entry " + k + "("), k);
    }
    // The kernels switch on Activation.Kind ordinals, as kernels.cu lists them.
    assertEquals(0, Activation.Kind.IDENTITY.ordinal());
    assertEquals(2, Activation.Kind.SIGMOID.ordinal());
    assertEquals(3, Activation.Kind.TANH.ordinal());
    assertEquals(4, Activation.Kind.RELU.ordinal());
    assertEquals(5, Activation.Kind.LEAKY_RELU.ordinal());
    assertEquals(6, Activation.Kind.ELU.ordinal());
    assertEquals(7, Activation.Kind.SOFTPLUS.ordinal());
  }

  @Test
  void aMissingLibraryIsNamedWithWhatWouldFixIt() {
    UnsatisfiedLinkError cuda = new UnsatisfiedLinkError("Error while loading native library "
        + "\"JCudaDriver-12.6.0-linux-x86_64\" ---(start of nested stack traces)--- at a.b.c "
        + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: "
        + "libcuda.so.1: cannot open shared object file: No such file or directory at x.y");
    assertEquals("cannot load libcuda.so.1 (no NVIDIA driver on this machine)",
        Gpu.explain(cuda));
    UnsatisfiedLinkError blas = new UnsatisfiedLinkError("/tmp/libJCublas2-12.6.0-linux-x86_64"
        + ".so: libcublas.so.12: cannot open shared object file: No such file or directory");
    assertTrue(Gpu.explain(blas).startsWith("cannot load libcublas.so.12 (JCuda 12.6.0 needs "
        + "the CUDA 12 cuBLAS runtime"), Gpu.explain(blas));
    assertEquals("IllegalStateException: no CUDA device 0 (0 visible)",
        Gpu.explain(new RuntimeException(new IllegalStateException("no CUDA device 0 (0 "
            + "visible)"))));
  }

  @Test
  void deviceSelectionSaysWhatItChoseAndWhy() {
    MlpSpec plain = MlpSpec.of("4-8-3", "relu", "softmax_ce");
    MlpSpec bn = plain.withBatchNorm(true);
    Engines.Choice cpu = Engines.choose(Device.CPU, plain, 0);
    assertFalse(cpu.gpu());
    assertTrue(cpu.engine().startsWith("cpu ("), cpu.engine());
    try (GradientEngine e = Engines.create(plain, 4, cpu)) {
      assertTrue(e instanceof Mlp);
    }
    IllegalArgumentException noBn = assertThrows(IllegalArgumentException.class,
        () -> Engines.choose(Device.GPU, bn, 0));
    assertTrue(noBn.getMessage().contains("batch normalisation"), noBn.getMessage());
    Engines.Choice auto = Engines.choose(Device.AUTO, plain, 0);
    Engines.Choice autoBn = Engines.choose(Device.AUTO, bn, 0);
    assertFalse(autoBn.gpu(), "batch norm falls back to the CPU");
    if (PROBE.usable()) {
      assertTrue(auto.gpu(), auto.line());
      assertTrue(autoBn.reason().contains("batch normalisation"), autoBn.reason());
      assertTrue(Engines.choose(Device.GPU, plain, 0).gpu());
    } else {
      assertFalse(auto.gpu());
      assertTrue(auto.reason().startsWith("auto: no usable GPU (") && auto.reason()
          .contains(PROBE.reason()), auto.line());
      assertFalse(PROBE.reason().isBlank());
      assertTrue(PROBE.reason().length() < 400, "one line, not JCuda's nested stack traces: "
          + PROBE.reason());
      IllegalStateException none = assertThrows(IllegalStateException.class,
          () -> Engines.choose(Device.GPU, plain, 0));
      assertTrue(none.getMessage().startsWith("--device gpu: no usable GPU: "),
          none.getMessage());
    }
  }

  private static float[] random(SplittableRandom r, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  /** Max |a − b| over max(|b|), or the plain difference when b is all zero. */
  private static double relativeError(float[] a, float[] b) {
    double diff = 0;
    double size = 0;
    for (int i = 0; i < b.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      size = Math.max(size, Math.abs(b[i]));
    }
    return size == 0 ? diff : diff / size;
  }

  @Test
  void oneStepEqualsTheCpuEngineForEveryActivationLossAndDropout() {
    assumeGpu();
    SplittableRandom r = new SplittableRandom(11);
    List<MlpSpec> specs = List.of(
        MlpSpec.of("20-16-12-5", "relu", "softmax_ce"),
        MlpSpec.of("20-16-12-5", "tanh", "sigmoid_bce"),
        MlpSpec.of("20-16-5", "sigmoid:2", "mse"),
        MlpSpec.of("20-16-12-5", "leaky_relu:0.1", "softmax_ce").withDropout(0.3),
        MlpSpec.of("20-16-5", "elu:1", "mse"),
        MlpSpec.of("20-16-5", "softplus", "softmax_ce"));
    for (MlpSpec spec : specs) {
      for (int batch : new int[] {1, 7, 33}) {
        Mlp cpu = new Mlp(spec, 33);
        GpuMlp gpu = new GpuMlp(spec, 33, 0);
        Weights ps = cpu.initialise(5);
        float[] x = random(r, batch * 20, 2);
        int tw = cpu.loss().targetWidth(5);
        float[] y = new float[batch * tw];
        for (int i = 0; i < y.length; i++) {
          y[i] = tw == 1 ? r.nextInt(5) : spec.loss() == LossKind.MSE
              ? (float) r.nextGaussian() : r.nextInt(2);
        }
        float[] gc = new float[cpu.paramCount()];
        float[] gg = new float[cpu.paramCount()];
        cpu.setDropoutSeed(99);
        gpu.setDropoutSeed(99);
        double lc = cpu.lossAndGrad(ps.params(), ps.state(), x, y, batch, gc);
        double lg = gpu.lossAndGrad(ps.params(), ps.state(), x, y, batch, gg);
        String what = spec.arch() + " " + spec.hidden() + " " + spec.loss() + " b" + batch;
        assertEquals(lc, lg, 1e-4 * Math.abs(lc) + 1e-6, what + " loss");
        assertTrue(relativeError(gg, gc) < 1e-4, what + " gradient: "
            + relativeError(gg, gc));
        float[] oc = new float[batch * 5];
        float[] og = new float[batch * 5];
        System.arraycopy(cpu.output(), 0, oc, 0, oc.length);
        System.arraycopy(gpu.output(), 0, og, 0, og.length);
        assertTrue(relativeError(og, oc) < 1e-5, what + " outputs");
        gpu.close();
      }
    }
  }

  @Test
  void theLossCurveOfTheFirstStepsMatchesTheCpu() {
    assumeGpu();
    MlpSpec spec = MlpSpec.of("784-256-128-10", "relu", "softmax_ce").withDropout(0.2);
    SplittableRandom r = new SplittableRandom(3);
    int batch = 128;
    float[] x = random(r, batch * 784, 1);
    float[] y = new float[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = r.nextInt(10);
    }
    Mlp cpu = new Mlp(spec, batch);
    Weights pc = cpu.initialise(7);
    float[] pg = pc.params().clone();
    try (GpuMlp gpu = new GpuMlp(spec, batch, 0)) {
      float[] g = new float[cpu.paramCount()];
      for (int step = 0; step < 10; step++) {
        Arrays.fill(g, 0f);
        cpu.setDropoutSeed(step);
        double lc = cpu.lossAndGrad(pc.params(), pc.state(), x, y, batch, g);
        sgd(pc.params(), g, batch);
        Arrays.fill(g, 0f);
        gpu.setDropoutSeed(step);
        double lg = gpu.lossAndGrad(pg, pc.state(), x, y, batch, g);
        sgd(pg, g, batch);
        assertEquals(lc, lg, 1e-4 * Math.abs(lc), "step " + step);
      }
    }
  }

  private static void sgd(float[] p, float[] g, int batch) {
    for (int i = 0; i < p.length; i++) {
      p[i] -= 0.05f * g[i] / batch;
    }
  }
}
