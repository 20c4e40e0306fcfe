package org.sparkprop.driver.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** A child process of an integration test, its stdout and stderr in one log file. */
final class Proc implements AutoCloseable {
  final Process process;
  final Path log;

  private Proc(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Proc start(Path log, Map<String, String> env, List<String> command) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new Proc(pb.start(), log);
  }

  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** Waits for the exit code; fails the test (showing the log's tail) on a time-out. */
  int await(int seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out after " + seconds + " s: " + log + "\n" + tail());
    }
    return process.exitValue();
  }

  /** Waits until the log matches the pattern (a regex, found anywhere). */
  void awaitLog(String regex, int seconds) throws Exception {
    Pattern p = Pattern.compile(regex);
    awaitTrue(() -> {
      try {
        return p.matcher(output()).find();
      } catch (IOException e) {
        return false;
      }
    }, seconds, "'" + regex + "' in " + log);
  }

  void awaitTrue(BooleanSupplier condition, int seconds, String what) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError("exited (" + process.exitValue() + ") before " + what + "\n"
            + tail());
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what + "\n" + tail());
      }
      Thread.sleep(25);
    }
  }

  String tail() throws IOException {
    String s = output();
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
