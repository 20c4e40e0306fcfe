package org.sparkprop.driver.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.CsvReader;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.data.IdxReader;
import org.sparkprop.trainer.data.LibSvmReader;
import org.sparkprop.trainer.data.Targets;

/**
 * The formats read on the driver through Hadoop FileSystem URIs: IDX (gzip or plain), the
 * course project's CSV pair, LibSVM; and the Fashion-MNIST folder. Tables are read on the
 * executors ({@link TableSource}).
 */
public final class FileInputs {
  private static final String[] FASHION_MNIST = {"train-images-idx3-ubyte",
      "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

  private FileInputs() {}

  /**
   * A labelled dataset in format (IDX, COURSE_CSV or LIBSVM) with targets as targets says;
   * labels is null for LibSVM. width: LibSVM feature count (0 = the largest index seen).
   */
  public static Dataset read(Fs fs, InputFormat format, String features, String labels,
      Targets targets, int width) throws IOException {
    String redF = Fs.redact(features);
    if (format == InputFormat.LIBSVM) {
      try (InputStream f = fs.open(features)) {
        return LibSvmReader.read(f, redF, width, targets);
      }
    }
    if (labels == null) {
      throw new IllegalArgumentException(redF + ": a labels file is needed (only LibSVM "
          + "carries its labels)");
    }
    try (InputStream f = fs.open(features); InputStream l = fs.open(labels)) {
      return switch (format) {
        case COURSE_CSV -> CsvReader.readPair(f, redF, l, Fs.redact(labels), targets);
        case IDX -> IdxReader.readPair(f, redF, l, Fs.redact(labels), targets);
        default -> throw new IllegalArgumentException(redF + ": " + format
            + " is read by the executors, not here");
      };
    }
  }

  /** Features only, for prediction: labels are zero. width: LibSVM feature count. */
  public static Dataset readFeatures(Fs fs, InputFormat format, String features, int width)
      throws IOException {
    String red = Fs.redact(features);
    try (InputStream in = fs.open(features)) {
      switch (format) {
        case LIBSVM:
          return LibSvmReader.read(in, red, width, (Targets) null);
        case COURSE_CSV:
          return CsvReader.readVectors(in, red);
        case IDX: {
          IdxReader.Tensor t = IdxReader.read(in, red);
          int n = t.dims()[0];
          return new Dataset(t.values(), new float[n], n, n == 0 ? 1 : t.values().length / n,
              1);
        }
        default:
          throw new IllegalArgumentException(red + ": " + format
              + " is read by the executors, not here");
      }
    }
  }

  /** [train, test] of Fashion-MNIST from dir (a local folder or any URI; null: default). */
  public static Dataset[] fashionMnist(Fs fs, String dir) throws IOException {
    if (dir == null) {
      return FashionMnist.load(FashionMnist.defaultDir());
    }
    String scheme = Fs.path(dir).toUri().getScheme();
    if (scheme == null || scheme.equals("file")) {
      return FashionMnist.load(Path.of(Fs.path(dir).toUri().getPath()));
    }
    Dataset[] out = new Dataset[2];
    for (int s = 0; s < 2; s++) {
      String img = gzOrPlain(fs, dir, FASHION_MNIST[2 * s]);
      String lab = gzOrPlain(fs, dir, FASHION_MNIST[2 * s + 1]);
      out[s] = read(fs, InputFormat.IDX, img, lab, Targets.classes(10), 0);
    }
    return out;
  }

  private static String gzOrPlain(Fs fs, String dir, String base) throws IOException {
    String gz = Fs.child(dir, base + ".gz");
    return fs.exists(gz) ? gz : Fs.child(dir, base);
  }
}
