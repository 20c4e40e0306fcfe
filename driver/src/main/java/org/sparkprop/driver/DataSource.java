package org.sparkprop.driver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparkprop.trainer.data.CsvReader;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.data.IdxReader;

/** Reads a (features, labels) pair, choosing the format by file name: IDX or the course CSV. */
final class DataSource {
  private DataSource() {}

  static Dataset read(Path features, Path labels, int classes) throws IOException {
    for (Path p : new Path[] {features, labels}) {
      if (!Files.isRegularFile(p)) {
        throw new java.io.FileNotFoundException(p + ": no such file");
      }
      if (!Files.isReadable(p)) {
        throw new java.nio.file.AccessDeniedException(p + ": not readable");
      }
    }
    try (InputStream f = Files.newInputStream(features);
        InputStream l = Files.newInputStream(labels)) {
      String name = features.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      if (name.endsWith(".csv")) {
        return CsvReader.readPair(f, features.toString(), l, labels.toString(), classes);
      }
      return IdxReader.readPair(f, features.toString(), l, labels.toString(), classes);
    }
  }

  /** [train, test] of Fashion-MNIST from dir (or the default location). */
  static Dataset[] fashionMnist(Path dir) throws IOException {
    return FashionMnist.load(dir == null ? FashionMnist.defaultDir() : dir);
  }
}
