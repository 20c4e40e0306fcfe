package org.sparkprop.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;
import scala.Option;

/**
 * A sparkprop model in Spark ML's directory layout, on any Hadoop URI:
 * {@code metadata/part-00000} is the one-line JSON Spark's own stages write (class,
 * timestamp, Spark version, uid, the params set and the defaults) with a {@code sparkprop}
 * entry (the model file's format version and the training summary), and
 * {@code data/model.spkm} is sparkprop's versioned, checksummed model file (written to a
 * temporary name, then renamed), the same file {@code sparkprop train} writes. Pipelines find
 * the stage's class in the metadata and call its static {@code read()}.
 */
final class ModelStore {
  static final String MODEL_FILE = "data/model.spkm";

  private ModelStore() {}

  /** What a saved stage holds. */
  record Loaded(String uid, Map<String, Object> paramMap, Model model,
      TrainingSummary summary) {}

  /** Makes a model stage from what was saved: uid, model, summary. */
  interface Factory<T extends Params> {
    T make(String uid, Model model, TrainingSummary summary);
  }

  /** The writer of a model stage: {@link #save} under the path Spark's MLWriter gives. */
  static MLWriter writer(Params stage, Model model, TrainingSummary summary) {
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        try {
          ModelStore.save(path, stage, model, summary, sparkSession());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** The reader of cls's saved stages: {@link #load}, made by make, its params set. */
  static <T extends Params> MLReader<T> reader(Class<T> cls, Factory<T> make) {
    return new MLReader<>() {
      @Override
      public T load(String path) {
        try {
          Loaded l = ModelStore.load(path, cls, sparkSession());
          return setParams(make.make(l.uid(), l.model(), l.summary()), l.paramMap());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** Saves stage (its params), model and summary under path. */
  static void save(String path, Params stage, Model model, TrainingSummary summary,
      SparkSession spark) throws IOException {
    Map<String, Object> set = new LinkedHashMap<>();
    Map<String, Object> defaults = new LinkedHashMap<>();
    for (Param<?> p : stage.params()) {
      @SuppressWarnings("unchecked")
      Param<Object> q = (Param<Object>) p;
      if (stage.isSet(q)) {
        set.put(q.name(), Json.read(q.jsonEncode(stage.getOrDefault(q))));
      }
      Option<Object> d = stage.getDefault(q);
      if (d.isDefined()) {
        defaults.put(q.name(), Json.read(q.jsonEncode(d.get())));
      }
    }
    Map<String, Object> ours = new LinkedHashMap<>();
    ours.put("model_file", MODEL_FILE);
    ours.put("model_format_version", ModelCodec.VERSION);
    ours.put("summary", summary == null ? null : summary.toJson());
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("class", stage.getClass().getName());
    meta.put("timestamp", System.currentTimeMillis());
    meta.put("sparkVersion", spark.version());
    meta.put("uid", stage.uid());
    meta.put("paramMap", set);
    meta.put("defaultParamMap", defaults);
    meta.put("sparkprop", ours);
    Fs fs = new Fs(spark.sparkContext().hadoopConfiguration());
    fs.write(Fs.child(path, MODEL_FILE), ModelCodec.encode(model));
    JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(Json.line(meta)), 1).saveAsTextFile(Fs.child(path, "metadata"));
  }

  /** The stage saved under path, which must be a cls. */
  @SuppressWarnings("unchecked")
  static Loaded load(String path, Class<?> cls, SparkSession spark) throws IOException {
    Fs fs = new Fs(spark.sparkContext().hadoopConfiguration());
    String metaDir = Fs.child(path, "metadata");
    if (!fs.exists(metaDir)) {
      throw new IllegalArgumentException(Fs.redact(path) + ": no saved Spark ML stage here "
          + "(no metadata folder)");
    }
    String line = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .textFile(metaDir, 1).first();
    Map<String, Object> meta = (Map<String, Object>) Json.read(line);
    if (!cls.getName().equals(meta.get("class"))) {
      throw new IllegalArgumentException(Fs.redact(path) + " holds a " + meta.get("class")
          + ", not a " + cls.getName());
    }
    Map<String, Object> ours = (Map<String, Object>) meta.get("sparkprop");
    String file = Fs.child(path, ours == null ? MODEL_FILE : (String) ours.get("model_file"));
    Model model = ModelCodec.decode(fs.readAll(file), Fs.redact(file));
    Object summary = ours == null ? null : ours.get("summary");
    return new Loaded((String) meta.get("uid"), (Map<String, Object>) meta.get("paramMap"),
        model, summary == null ? null : TrainingSummary.fromJson((String) summary));
  }

  /** Sets the saved params on stage (those it has; each decoded by its param). */
  @SuppressWarnings("unchecked")
  static <T extends Params> T setParams(T stage, Map<String, Object> paramMap) {
    for (Map.Entry<String, Object> e : paramMap.entrySet()) {
      if (stage.hasParam(e.getKey())) {
        Param<Object> p = (Param<Object>) stage.getParam(e.getKey());
        stage.set(p, p.jsonDecode(Json.line(e.getValue())));
      }
    }
    return stage;
  }
}
