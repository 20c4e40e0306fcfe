package org.sparkprop.driver.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.Errors;
import org.sparkprop.driver.worker.ShardWorker;
import org.sparkprop.trainer.model.Device;
import org.sparkprop.trainer.model.Engines;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * Asks the executors of the P training partitions what {@code --device} resolves to there
 * (one small job, before training): where the workers will compute, and why.
 */
public final class DeviceProbe {
  private DeviceProbe() {}

  /**
   * Choice line (e.g. "device: cpu (vector) — auto: no usable GPU (…)") → number of
   * partitions. With {@link Device#GPU} a task fails where no GPU answers, and so does this,
   * with the executor's reason as the message.
   */
  public static Map<String, Integer> run(JavaSparkContext sc, MlpSpec spec, Device device,
      int partitions) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      ids.add(i);
    }
    sc.setJobDescription("device probe");
    List<String> lines;
    try {
      lines = sc.parallelize(ids, partitions)
          .map(i -> Engines.choose(device, spec, ShardWorker.gpuOrdinal()).line()).collect();
    } catch (Exception e) {
      throw new IllegalStateException(executorReason(e), e);
    } finally {
      sc.setJobDescription(null);
    }
    Map<String, Integer> out = new TreeMap<>();
    for (String line : lines) {
      out.merge(line, 1, Integer::sum);
    }
    return out;
  }

  /** "--device gpu: no usable GPU: …" from an executor, without Spark's wrapping. */
  private static String executorReason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf("--device gpu:");
      if (at >= 0) {
        return m.substring(at).split("\n")[0];
      }
    }
    return Errors.rootMessage(e);
  }
}
