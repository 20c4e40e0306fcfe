package org.sparkprop.driver.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An S3-compatible server on loopback for tests: s3proxy (its jar-with-dependencies, copied by
 * the build) as its own process, with a file-system backend so objects survive a restart (the
 * "store unreachable" test stops and restarts it). A bucket is a folder under the base dir.
 */
final class S3Server implements AutoCloseable {
  final int port;
  final String accessKey = "it-" + UUID.randomUUID().toString().substring(0, 8);
  final String secretKey = "secret-" + UUID.randomUUID();
  private final Path dir;
  private final Path jar;
  private Proc proc;

  S3Server(Path jar, Path dir) throws IOException {
    this.jar = jar;
    this.dir = dir;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  void createBucket(String name) throws IOException {
    Files.createDirectories(dir.resolve("data").resolve(name));
  }

  void start() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=" + endpoint(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey,
        "s3proxy.credential=" + secretKey,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + dir.resolve("data"),
        ""));
    proc = Proc.start(dir.resolve("s3proxy.log"), Map.of(),
        List.of("java", "-Xmx512m", "-jar", jar.toString(), "--properties", props.toString()));
    proc.awaitTrue(this::listening, 60, "s3proxy listening on " + endpoint());
  }

  /** Stops the server (SIGKILL: the store simply becomes unreachable). */
  void stop() throws Exception {
    if (proc != null) {
      proc.close();
      proc.process.waitFor();
      proc = null;
    }
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
