package org.sparkprop.driver.store;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Reads and atomic writes through Hadoop FileSystem URIs (file://, hdfs://, s3a://; a bare
 * path is a local file). A write never leaves a half-written file under its final name: on
 * file systems with atomic rename (local, HDFS) the bytes go to a hidden temporary file that is
 * renamed over the target; on object stores (s3a, gs, abfs, …), whose rename is a copy, the
 * object is published by its single PUT when the stream closes.
 */
public final class Fs {
  private static final Set<String> OBJECT_STORES = Set.of("s3a", "s3", "s3n", "gs", "abfs",
      "abfss", "wasb", "wasbs", "oss", "cos");

  private final Configuration conf;

  public Fs(Configuration conf) {
    this.conf = conf;
  }

  /** A local Hadoop configuration (for library use without Spark). */
  public static Fs local() {
    return new Fs(new Configuration());
  }

  public Configuration conf() {
    return conf;
  }

  public static Path path(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("empty path");
    }
    return new Path(uri);
  }

  public FileSystem fileSystem(Path p) throws IOException {
    FileSystem f = p.getFileSystem(conf);
    // Local files without Hadoop's hidden .NAME.crc sidecar beside each one: our formats carry
    // their own checksums, and an output folder should hold only its outputs.
    return f instanceof LocalFileSystem local ? local.getRaw() : f;
  }

  public boolean exists(String uri) throws IOException {
    Path p = path(uri);
    return fileSystem(p).exists(p);
  }

  /** Opens a file for reading, or fails naming it. */
  /** Fails, naming uri (redacted), unless it exists (a file, or a folder of files). */
  public void checkExists(String uri) throws IOException {
    Path p = path(uri);
    if (!fileSystem(p).exists(p)) {
      throw new FileNotFoundException(redact(uri) + ": no such file");
    }
  }

  public InputStream open(String uri) throws IOException {
    Path p = path(uri);
    FileSystem fs = fileSystem(p);
    if (!fs.exists(p)) {
      throw new FileNotFoundException(uri + ": no such file");
    }
    if (fs.getFileStatus(p).isDirectory()) {
      throw new FileNotFoundException(uri + ": is a directory, expected a file");
    }
    return fs.open(p);
  }

  public byte[] readAll(String uri) throws IOException {
    try (InputStream in = open(uri)) {
      return in.readAllBytes();
    }
  }

  public String readString(String uri) throws IOException {
    return new String(readAll(uri), StandardCharsets.UTF_8);
  }

  public static boolean isObjectStore(Path p) {
    String scheme = p.toUri().getScheme();
    return scheme != null && OBJECT_STORES.contains(scheme.toLowerCase(Locale.ROOT));
  }

  /**
   * What a file holds, produced while it is written: bytes in memory, or a stream (for
   * example predictions fetched from the executors one partition at a time).
   */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;

    static Content of(byte[] bytes) {
      return out -> out.write(bytes);
    }
  }

  /** Writes bytes to uri atomically (see the class comment); creates parent folders. */
  public void write(String uri, byte[] bytes) throws IOException {
    write(uri, Content.of(bytes));
  }

  /**
   * Writes content to uri atomically (see the class comment) and returns its size; creates
   * parent folders. When content fails part-way nothing is left under uri: the temporary file
   * is removed, or on an object store the object is deleted again.
   */
  public long write(String uri, Content content) throws IOException {
    Path target = path(uri);
    FileSystem fs = fileSystem(target);
    if (isObjectStore(target)) {
      boolean done = false;
      try {
        long n = writeCounted(fs, target, content);
        done = true;
        return n;
      } finally {
        if (!done) {
          fs.delete(target, false);
        }
      }
    }
    if (fs instanceof RawLocalFileSystem raw) {
      return writeLocal(raw.pathToFile(target).toPath(), content);
    }
    Path parent = target.getParent();
    if (parent != null) {
      fs.mkdirs(parent);
    }
    Path tmp = new Path(parent, "." + target.getName() + ".tmp");
    try {
      long n = writeCounted(fs, tmp, content);
      FileContext fc = FileContext.getFileContext(target.toUri(), conf);
      fc.rename(tmp, target, Options.Rename.OVERWRITE);
      return n;
    } finally {
      if (fs.exists(tmp)) {
        fs.delete(tmp, false);
      }
    }
  }

  /**
   * The local case of {@link #write} through java.nio: the same hidden temporary file and
   * atomic rename, without Hadoop's local file system, which (without its native library)
   * starts a chmod and a stat process for every file it creates and renames.
   */
  private static long writeLocal(java.nio.file.Path target, Content content)
      throws IOException {
    java.nio.file.Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    java.nio.file.Path tmp = parent.resolve("." + target.getFileName() + ".tmp");
    try {
      long n;
      try (OutputStream file = Files.newOutputStream(tmp);
          CountingStream out = new CountingStream(new BufferedOutputStream(file, 1 << 16))) {
        content.writeTo(out);
        out.flush();
        n = out.count;
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return n;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Counts the bytes written through it. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  private static long writeCounted(FileSystem fs, Path p, Content content) throws IOException {
    try (FSDataOutputStream out = fs.create(p, true)) {
      content.writeTo(out);
      out.flush();
      return out.getPos();
    }
  }

  /** Name of the marker that publishes an output folder (the Hadoop/Spark convention). */
  public static final String SUCCESS = "_SUCCESS";

  /**
   * Fails now, naming the folder, when dir cannot be written (store unreachable, no bucket, no
   * permission, a file in the way): a small probe file is written and deleted. A folder the
   * probe had to create is removed again, so a later failure leaves nothing behind.
   */
  public void checkWritable(String dir) throws IOException {
    Path d = path(dir);
    try {
      FileSystem f = fileSystem(d);
      boolean existed = f.exists(d);
      if (existed && !f.getFileStatus(d).isDirectory()) {
        throw new IOException("exists and is a file, expected a folder");
      }
      Path probe = new Path(d, ".sparkprop-probe");
      if (f instanceof RawLocalFileSystem raw) {
        // java.nio, as in write: Hadoop's local create starts a chmod process.
        java.nio.file.Path local = raw.pathToFile(probe).toPath();
        Files.createDirectories(local.getParent());
        Files.write(local, new byte[] {'\n'});
        Files.delete(local);
      } else {
        try (OutputStream out = f.create(probe, true)) {
          out.write('\n');
        }
        f.delete(probe, false);
      }
      if (!existed && !isObjectStore(d)) {
        f.delete(d, false);
      }
    } catch (IOException e) {
      throw new IOException(redact(dir) + ": cannot write there: " + rootMessage(e), e);
    }
  }

  /**
   * Publishes an output folder: a stale _SUCCESS goes first, then every file is written (each
   * atomically, see {@link #write}), then _SUCCESS listing them with their sizes. A reader that
   * finds _SUCCESS finds every file complete; a failure part-way leaves no _SUCCESS.
   */
  public void publish(String dir, Map<String, byte[]> files) throws IOException {
    Map<String, Content> contents = new LinkedHashMap<>();
    files.forEach((name, bytes) -> contents.put(name, Content.of(bytes)));
    publishContents(dir, contents);
  }

  /** {@link #publish} with files whose content is produced while it is written. */
  public void publishContents(String dir, Map<String, Content> files) throws IOException {
    try {
      String marker = child(dir, SUCCESS);
      if (exists(marker)) {
        delete(marker);
      }
      StringBuilder index = new StringBuilder();
      for (Map.Entry<String, Content> e : files.entrySet()) {
        long size = write(child(dir, e.getKey()), e.getValue());
        index.append(e.getKey()).append(' ').append(size).append('\n');
      }
      writeString(marker, index.toString());
    } catch (Exception e) {
      // Spark's failures (a prediction job fetched while writing) arrive as undeclared checked
      // SparkExceptions, so this catches everything.
      throw new IOException(redact(dir) + ": export failed, the folder is not published (no "
          + SUCCESS + "): " + rootMessage(e), e);
    }
  }

  /**
   * The model file a --model URI names: a .spkm file itself, an output folder, which must be
   * published (have _SUCCESS) and holds model.spkm, or a saved Spark ML sparkprop model
   * (metadata/ and data/model.spkm).
   */
  public String modelFile(String uri) throws IOException {
    Path p = path(uri);
    FileSystem f = fileSystem(p);
    if (!f.exists(p)) {
      throw new FileNotFoundException(redact(uri) + ": no such model file or folder");
    }
    if (!f.getFileStatus(p).isDirectory()) {
      return uri;
    }
    if (f.exists(new Path(p, "metadata/" + SUCCESS))
        && f.exists(new Path(p, "data/model.spkm"))) {
      // A Spark ML model saved by org.sparkprop.ml: published once its metadata is written.
      return child(uri, "data/model.spkm");
    }
    if (!f.exists(new Path(p, SUCCESS))) {
      throw new FileNotFoundException(redact(uri) + ": the folder has no " + SUCCESS
          + " marker: its export did not finish");
    }
    return child(uri, "model.spkm");
  }

  /** The innermost cause's message: what went wrong, without the wrapping layers. */
  public static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    String m = r.getMessage();
    return m == null ? r.getClass().getSimpleName() : m;
  }

  public void writeString(String uri, String text) throws IOException {
    write(uri, text.getBytes(StandardCharsets.UTF_8));
  }

  public void delete(String uri) throws IOException {
    Path p = path(uri);
    fileSystem(p).delete(p, false);
  }

  /** uri + "/" + name, without doubling the slash. */
  public static String child(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** The URI with any user-info (credentials) removed, for logs and reports. */
  public static String redact(String uri) {
    try {
      URI u = new URI(uri);
      if (u.getUserInfo() == null) {
        return uri;
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(),
          u.getFragment()).toString();
    } catch (URISyntaxException e) {
      return uri.replaceAll("//[^/@]*@", "//");
    }
  }
}
