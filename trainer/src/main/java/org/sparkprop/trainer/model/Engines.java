package org.sparkprop.trainer.model;

import java.util.Locale;
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
   * Checks --device and, for "gpu", that the model has nothing the GPU path lacks, without
   * looking for a GPU (the driver may have none while its executors do).
   */
  public static void validate(String device, MlpSpec spec) {
    String d = device == null ? "auto" : device.toLowerCase(Locale.ROOT);
    if (!d.equals("auto") && !d.equals("cpu") && !d.equals("gpu")) {
      throw new IllegalArgumentException("--device must be auto, cpu or gpu, got '" + device
          + "'");
    }
    String why = GpuMlp.unsupported(spec);
    if (d.equals("gpu") && why != null) {
      throw new IllegalArgumentException("--device gpu: " + why);
    }
  }

  /** Resolves --device for spec on GPU ordinal (the executor's GPU, usually 0). */
  public static Choice choose(String device, MlpSpec spec, int ordinal) {
    validate(device, spec);
    String d = device == null ? "auto" : device.toLowerCase(Locale.ROOT);
    String cpu = "cpu (" + Kernels.selectedKind() + ")";
    switch (d) {
      case "cpu":
        return new Choice(false, ordinal, cpu, "--device cpu");
      case "gpu": {
        Gpu.Probe p = Gpu.probe(ordinal);
        if (!p.usable()) {
          throw new IllegalStateException("--device gpu: no usable GPU: " + p.reason());
        }
        return new Choice(true, ordinal, "gpu: " + p.description(), "--device gpu");
      }
      case "auto": {
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
        throw new IllegalStateException(d);
    }
  }

  /** The engine a choice names, for batches of up to maxBatch rows. */
  public static GradientEngine create(MlpSpec spec, int maxBatch, Choice c) {
    return c.gpu() ? new GpuMlp(spec, maxBatch, c.ordinal()) : new Mlp(spec, maxBatch);
  }
}
