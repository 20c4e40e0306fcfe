package org.sparkprop.trainer.model;

import org.sparkprop.trainer.gpu.Gpu;
import org.sparkprop.trainer.gpu.GpuMlp;
import org.sparkprop.trainer.kernel.Kernels;

/**
 * Chooses where a worker trains ({@code --device auto|cpu|gpu}) and builds its engine.
 * {@code auto} takes the GPU when the JCuda natives load, a device answers and the model has
 * nothing the GPU path lacks; otherwise the CPU kernel, saying why. {@code gpu} fails with the
 * reason when it cannot.
 */
public final class Engines {
  private Engines() {}

  /** The device chosen, a description for logs and metrics, and why. */
  public record Choice(boolean gpu, int ordinal, String engine, String reason) {
    /** One log line, e.g. "device: cpu (vector) — no usable GPU (…)". */
    public String line() {
      return "device: " + engine + " — " + reason;
    }
  }

  /**
   * Checks that, for {@link Device#GPU}, the model has nothing the GPU path lacks, without
   * looking for a GPU (the driver may have none while its executors do).
   */
  public static void validate(Device device, MlpSpec spec) {
    String why = GpuMlp.unsupported(spec);
    if (device == Device.GPU && why != null) {
      throw new IllegalArgumentException("--device gpu: " + why);
    }
  }

  /** Resolves --device for spec on GPU ordinal (the executor's GPU, usually 0). */
  public static Choice choose(Device device, MlpSpec spec, int ordinal) {
    validate(device, spec);
    String cpu = "cpu (" + Kernels.selectedKind() + ")";
    switch (device) {
      case CPU:
        return new Choice(false, ordinal, cpu, "--device cpu");
      case GPU: {
        Gpu.Probe p = Gpu.probe(ordinal);
        if (!p.usable()) {
          throw new IllegalStateException("--device gpu: no usable GPU: " + p.reason());
        }
        return new Choice(true, ordinal, "gpu: " + p.description(), "--device gpu");
      }
      case AUTO: {
        Gpu.Probe p = Gpu.probe(ordinal);
        if (!p.usable()) {
          return new Choice(false, ordinal, cpu, "auto: no usable GPU (" + p.reason() + ")");
        }
        String why = GpuMlp.unsupported(spec);
        if (why != null) {
          return new Choice(false, ordinal, cpu, "auto: GPU " + p.description()
              + " present, but " + why);
        }
        return new Choice(true, ordinal, "gpu: " + p.description(), "auto: GPU found");
      }
      default:
        throw new IllegalStateException(device.name());
    }
  }

  /** The engine a choice names, for batches of up to maxBatch rows. */
  public static GradientEngine create(MlpSpec spec, int maxBatch, Choice c) {
    return c.gpu() ? new GpuMlp(spec, maxBatch, c.ordinal()) : new Mlp(spec, maxBatch);
  }
}
