package org.sparkprop.driver.data;

import java.io.IOException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.Targets;
import org.sparkprop.trainer.io.Model;

/**
 * A saved model's input, scaled as the model says, one block per partition in input order,
 * and how its rows are laid out over the partitions.
 */
public record ModelInput(JavaRDD<Block> blocks, TableShards.Layout layout) {

  /**
   * Reads features (and labels when labelled; null for LibSVM and tables) for model m:
   * every format on the executors (IDX by {@link IdxSource}); checks the width and scales on
   * the executors. what names the data
   * in Spark's UI.
   */
  public static ModelInput read(JavaSparkContext sc, Fs fs, Model m, String features,
      String labels, boolean labelled, InputFormat format, String featuresCol, String labelCol,
      int partitions, String what) throws IOException {
    InputFormat fmt = format.resolve(features, labels, labelled);
    int k = m.spec().outputs();
    Targets targets = Targets.of(m.spec().task(), k, Math.max(2, k));
    int width = m.spec().inputs();
    JavaRDD<Block> raw;
    Targets t = labelled ? targets : null;
    if (fmt.isTable()) {
      raw = TableSource.blocks(sc, features, fmt, featuresCol, labelCol, t);
      raw.persist(StorageLevel.MEMORY_AND_DISK());
    } else if (fmt == InputFormat.LIBSVM || fmt == InputFormat.COURSE_CSV) {
      // Text on the executors, split by lines (see TextSources); checked first, in line order.
      fs.checkExists(features);
      if (fmt == InputFormat.LIBSVM) {
        TextSources.libsvmCheck(sc, features, t, width, partitions);
        raw = TextSources.libsvm(sc, features, t, width, partitions);
      } else {
        if (labelled && labels == null) {
          throw new IllegalArgumentException(Fs.redact(features) + ": a labels file is needed "
              + "(only LibSVM carries its labels)");
        }
        if (labelled) {
          fs.checkExists(labels);
        }
        raw = CoursePairSource.coursePair(sc, features, labelled ? labels : null, t, partitions);
      }
      raw.persist(StorageLevel.MEMORY_AND_DISK());
    } else {
      if (labelled && labels == null) {
        throw new IllegalArgumentException(Fs.redact(features) + ": a labels file is needed "
            + "(only LibSVM carries its labels)");
      }
      raw = IdxSource.read(sc, fs, features, labelled ? labels : null, t, partitions);
      raw.persist(StorageLevel.MEMORY_AND_DISK());
    }
    TableShards.Layout layout = TableShards.layout(raw, Fs.redact(features));
    if (layout.features() != width) {
      raw.unpersist(false);
      throw new IllegalArgumentException(Fs.redact(features) + ": rows have "
          + layout.features() + " features, the model takes " + width);
    }
    return new ModelInput(TableShards.scaled(raw, m.normalizer(), what), layout);
  }
}
