package org.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;

/** The loading progress lines: task counts and bytes from the executors' metrics. */
class LoadProgressTest {
  @Test
  void sizesReadAsPeopleWriteThem() {
    assertEquals("999 B", LoadProgress.size(999));
    assertEquals("1.00 KB", LoadProgress.size(1000));
    assertEquals("12.3 MB", LoadProgress.size(12_340_000));
    assertEquals("456 MB", LoadProgress.size(456_000_000));
    assertEquals("1.50 GB", LoadProgress.size(1_500_000_000L));
  }

  @Test
  void countsTheTasksAndBytesOfTheJobsRunMeanwhile(@TempDir Path d) throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append(i).append(",0.5,1\n");
    }
    Path f = d.resolve("rows.csv");
    Files.writeString(f, text);
    long size = Files.size(f);
    List<String> lines = new CopyOnWriteArrayList<>();
    List<String> quiet = new CopyOnWriteArrayList<>();
    try (JavaSparkContext sc = TestSpark.start("local[2]")) {
      LoadProgress every = LoadProgress.start(sc, lines::add, 0);
      LoadProgress hourly = LoadProgress.start(sc, quiet::add, 3600);
      assertEquals(20_000, sc.textFile(f.toString(), 4).count());
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (lines.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      every.close();
      hourly.close();
      assertEquals(4, lines.size(), lines.toString());
      String last = lines.get(3);
      assertTrue(last.startsWith("loading data: 4 of 4 tasks (1 job), "
          + LoadProgress.size(every.bytesRead()) + " read, 0 B shuffled, "), last);
      // Each of the 4 splits reads whole buffers (64 KiB) and past its end to a line's end.
      long read = every.bytesRead();
      assertTrue(read >= size && read <= size + 4 * 2 * 65536, read + " B for " + size);
      assertTrue(lines.get(0).startsWith("loading data: 1 of 4 tasks (1 job), "), lines.get(0));
      assertEquals(List.of(), quiet, "nothing within the first interval");
    }
  }
}
