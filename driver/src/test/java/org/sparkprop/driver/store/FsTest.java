package org.sparkprop.driver.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsTest {
  private final Fs fs = Fs.local();

  @Test
  void publishWritesEveryFileThenTheMarkerListingThem(@TempDir Path dir) throws IOException {
    String out = dir.resolve("run").toString();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("model.spkm", new byte[] {1, 2, 3});
    files.put("metrics.json", "{}".getBytes());
    fs.publish(out, files);
    assertArrayEquals(new byte[] {1, 2, 3}, fs.readAll(out + "/model.spkm"));
    assertEquals("model.spkm 3\nmetrics.json 2\n", fs.readString(out + "/_SUCCESS"));
    assertEquals(out + "/model.spkm", fs.modelFile(out));
    assertEquals(out + "/model.spkm", fs.modelFile(out + "/model.spkm"));
    try (var s = Files.list(dir.resolve("run"))) {
      assertEquals(3, s.count(), "no temporary files left");
    }
  }

  @Test
  void aFailedRepublishLeavesTheFolderUnpublished(@TempDir Path dir) throws IOException {
    String out = dir.resolve("run").toString();
    fs.publish(out, Map.of("model.spkm", new byte[] {1}));
    // The second export fails part-way: a folder is in the way of its second file.
    Files.createDirectories(dir.resolve("run/metrics.json/x"));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("model.spkm", new byte[] {2});
    files.put("metrics.json", new byte[] {3});
    IOException e = assertThrows(IOException.class, () -> fs.publish(out, files));
    assertTrue(e.getMessage().startsWith(out + ": export failed, the folder is not published"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("run/_SUCCESS")), "the stale marker is gone");
    FileNotFoundException nf = assertThrows(FileNotFoundException.class,
        () -> fs.modelFile(out));
    assertTrue(nf.getMessage().contains("no _SUCCESS marker"), nf.getMessage());
  }

  @Test
  void streamedContentIsCountedAndAFailurePartWayLeavesNothing(@TempDir Path dir)
      throws IOException {
    String out = dir.resolve("run").toString();
    Map<String, Fs.Content> files = new LinkedHashMap<>();
    files.put("a.csv", o -> {
      for (int i = 0; i < 1000; i++) {
        o.write(("" + i + "\n").getBytes());
      }
    });
    fs.publishContents(out, files);
    assertEquals(3890, Files.size(dir.resolve("run/a.csv")));
    assertEquals("a.csv 3890\n", fs.readString(out + "/_SUCCESS"));
    files.put("b.csv", o -> {
      o.write("half".getBytes());
      throw new IllegalStateException("the prediction job failed");
    });
    IOException e = assertThrows(IOException.class, () -> fs.publishContents(out, files));
    assertTrue(e.getMessage().endsWith("the prediction job failed"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("run/_SUCCESS")));
    try (var s = Files.list(dir.resolve("run"))) {
      assertEquals(List.of("a.csv"), s.map(p -> p.getFileName().toString()).toList(),
          "neither b.csv nor its temporary file is left");
    }
  }

  @Test
  void checkWritableLeavesNothingBehindAndNamesTheProblem(@TempDir Path dir) throws IOException {
    String fresh = dir.resolve("a/b").toString();
    fs.checkWritable(fresh);
    assertFalse(Files.exists(dir.resolve("a/b")), "the probe's folder is removed again");
    Files.writeString(dir.resolve("file"), "x");
    IOException e = assertThrows(IOException.class,
        () -> fs.checkWritable(dir.resolve("file").toString()));
    assertTrue(e.getMessage().contains("cannot write there: exists and is a file"),
        e.getMessage());
    assertThrows(FileNotFoundException.class,
        () -> fs.modelFile(dir.resolve("missing").toString()));
  }
}
