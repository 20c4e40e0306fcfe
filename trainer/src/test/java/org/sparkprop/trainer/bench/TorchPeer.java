package org.sparkprop.trainer.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch process ({@code bench/torch_bench.py --serve}) that runs one named workload slice
 * per request, so that TrainerBench can alternate sparkprop and PyTorch slices of a fraction of
 * a second on the same machine state. While it waits for a request it uses no CPU.
 */
final class TorchPeer implements AutoCloseable {
  private static final Pattern NUM = Pattern.compile("\"(rate|cpu_per_wall)\": ([-+0-9.eE]+)");

  private final String blas;
  private final Process process;
  private final Writer requests;
  private final BufferedReader replies;

  /** Starts {@code python script --serve --blas blas}. */
  TorchPeer(String python, String script, String blas) throws IOException {
    this.blas = blas;
    ProcessBuilder pb = new ProcessBuilder(python, script, "--serve", "--blas", blas);
    // OpenBLAS's idle threads sleep instead of spinning while sparkprop's slice runs.
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    process = pb.start();
    requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    replies = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  String blas() {
    return blas;
  }

  /** {calls per wall second, CPU seconds per wall second} of the workload run for ~seconds. */
  double[] run(String workload, double seconds) {
    try {
      requests.write(String.format(Locale.ROOT, "%s %.3f%n", workload, seconds));
      requests.flush();
      String line = replies.readLine();
      if (line == null) {
        throw new IllegalStateException("torch_bench.py (" + blas + ") exited");
      }
      double[] r = {Double.NaN, Double.NaN};
      Matcher m = NUM.matcher(line);
      while (m.find()) {
        r[m.group(1).equals("rate") ? 0 : 1] = Double.parseDouble(m.group(2));
      }
      if (Double.isNaN(r[0])) {
        throw new IllegalStateException("torch_bench.py (" + blas + "): " + line);
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    requests.close();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
