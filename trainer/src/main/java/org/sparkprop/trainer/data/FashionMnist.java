package org.sparkprop.trainer.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The official Fashion-MNIST split in IDX files (as the Debian package dataset-fashion-mnist
 * installs them). The folder is, in order: the argument, the system property
 * {@code sparkprop.fashionMnist}, the environment variable {@code FASHION_MNIST_DIR}, or
 * {@code /usr/share/datasets/fashion-mnist} (or {@code ~/.cache/sparkprop/fashion-mnist}, where
 * scripts/setup.sh downloads the files when apt is not available).
 */
public final class FashionMnist {
  public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
  public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress",
      "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

  private FashionMnist() {}

  /** The folder to read from when the caller names none. */
  public static Path defaultDir() {
    String p = System.getProperty("sparkprop.fashionMnist");
    if (p == null || p.isBlank()) {
      p = System.getenv("FASHION_MNIST_DIR");
    }
    if (p != null && !p.isBlank()) {
      return Paths.get(p);
    }
    // scripts/setup.sh downloads here where apt is not available
    Path cache = Paths.get(System.getProperty("user.home"), ".cache", "sparkprop", "fashion-mnist");
    return !available(Paths.get(DEFAULT_DIR)) && available(cache) ? cache : Paths.get(DEFAULT_DIR);
  }

  /** Whether the four files are present in dir. */
  public static boolean available(Path dir) {
    return Files.isReadable(find(dir, "train-images-idx3-ubyte"))
        && Files.isReadable(find(dir, "t10k-labels-idx1-ubyte"));
  }

  /** [train (60,000 rows), test (10,000 rows)], pixel values 0..255, class-index targets. */
  public static Dataset[] load(Path dir) throws IOException {
    return new Dataset[] {pair(dir, "train"), pair(dir, "t10k")};
  }

  private static Dataset pair(Path dir, String prefix) throws IOException {
    Path img = find(dir, prefix + "-images-idx3-ubyte");
    Path lab = find(dir, prefix + "-labels-idx1-ubyte");
    for (Path f : new Path[] {img, lab}) {
      if (!Files.isReadable(f)) {
        throw new FileNotFoundException(f + ": not found or not readable (install the "
            + "Debian package dataset-fashion-mnist, or run scripts/setup.sh)");
      }
    }
    try (InputStream i = Files.newInputStream(img); InputStream l = Files.newInputStream(lab)) {
      return IdxReader.readPair(i, img.toString(), l, lab.toString(), 10);
    }
  }

  /** The .gz file if present, else the plain one. */
  private static Path find(Path dir, String base) {
    Path gz = dir.resolve(base + ".gz");
    return Files.exists(gz) ? gz : dir.resolve(base);
  }
}
