package org.sparkprop.driver.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.FashionMnist;

/** The Fashion-MNIST folder's files, on any Hadoop URI (read by {@link IdxSource}). */
public final class FileInputs {
  private static final String[] FASHION_MNIST = {"train-images-idx3-ubyte",
      "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

  private FileInputs() {}

  /**
   * The four Fashion-MNIST files in dir (null: the default folder), each gzip where present:
   * train images, train labels, test images, test labels.
   */
  public static String[] fashionMnistFiles(Fs fs, String dir) throws IOException {
    String d = dir == null ? FashionMnist.DEFAULT_DIR : dir;
    String[] files = new String[4];
    for (int i = 0; i < 4; i++) {
      String gz = Fs.child(d, FASHION_MNIST[i] + ".gz");
      files[i] = fs.exists(gz) ? gz : Fs.child(d, FASHION_MNIST[i]);
      if (!fs.exists(files[i])) {
        throw new FileNotFoundException(Fs.redact(files[i]) + ": not found or not readable "
            + "(install the Debian package dataset-fashion-mnist, or run scripts/setup.sh)");
      }
    }
    return files;
  }
}
