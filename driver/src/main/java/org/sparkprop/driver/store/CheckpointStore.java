package org.sparkprop.driver.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.trainer.io.Checkpoint;
import org.sparkprop.trainer.io.CheckpointCodec;

/**
 * Checkpoints in a folder on any Hadoop file system: {@code step-000000120.spkc} is written in
 * full first, then the small {@code LATEST} file is replaced to name it (object stores have no
 * atomic rename, but a single small PUT is atomic). A reader follows LATEST, so it never sees a
 * partial checkpoint. The two newest checkpoints are kept.
 */
public final class CheckpointStore {
  public static final String LATEST = "LATEST";
  private final Fs fs;
  private final String dir;

  public CheckpointStore(Fs fs, String dir) {
    this.fs = fs;
    this.dir = dir;
  }

  public String dir() {
    return dir;
  }

  /** Writes c, publishes it, prunes old ones; returns the file's URI. */
  public String save(Checkpoint c) throws IOException {
    String name = String.format(Locale.ROOT, "step-%09d.spkc", c.step());
    String file = Fs.child(dir, name);
    fs.write(file, CheckpointCodec.encode(c));
    fs.writeString(Fs.child(dir, LATEST), name + "\n");
    prune(name);
    return file;
  }

  private void prune(String keep) throws IOException {
    Path d = Fs.path(dir);
    FileSystem f = fs.fileSystem(d);
    FileStatus[] all = f.listStatus(d, p -> p.getName().startsWith("step-")
        && p.getName().endsWith(".spkc"));
    Arrays.sort(all, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (int i = 0; i < all.length - 2; i++) {
      if (!all[i].getPath().getName().equals(keep)) {
        f.delete(all[i].getPath(), false);
      }
    }
  }

  /** The checkpoint LATEST names. */
  public Checkpoint loadLatest() throws IOException {
    String latest = Fs.child(dir, LATEST);
    if (!fs.exists(latest)) {
      throw new FileNotFoundException(Fs.redact(dir) + ": no checkpoint (no " + LATEST
          + " file)");
    }
    String name = new String(fs.readAll(latest), StandardCharsets.UTF_8).trim();
    if (!name.matches("step-\\d+\\.spkc")) {
      throw new IOException(Fs.redact(latest) + ": does not name a checkpoint: '" + name + "'");
    }
    String file = Fs.child(dir, name);
    return CheckpointCodec.decode(fs.readAll(file), Fs.redact(file));
  }
}
