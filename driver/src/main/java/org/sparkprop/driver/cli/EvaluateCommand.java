package org.sparkprop.driver.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.ModelInput;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkprop evaluate}: a saved model's loss and accuracy on labelled data, as JSON. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Accuracy and loss of a saved model on labelled data, as JSON.")
public final class EvaluateCommand implements Callable<Integer> {
  @Mixin ModelFlag model = new ModelFlag();

  @Option(names = "--features", required = true, paramLabel = "URI", description = "IDX "
      + "images, a course *_vectors.csv file, LibSVM, or a Parquet/CSV table")
  String features;

  @Option(names = "--labels", paramLabel = "URI", description = "labels (not for LibSVM "
      + "and tables)")
  String labels;

  @Mixin TableOptions table = new TableOptions();

  @Mixin SparkOptions spark = new SparkOptions();

  @Override
  public Integer call() throws Exception {
    spark.check();
    try (JavaSparkContext sc = spark.start("sparkprop evaluate")) {
      Fs fs = new Fs(sc.hadoopConfiguration());
      Model m = model.load(fs);
      ModelInput in = ModelInput.read(sc, fs, m, features, labels, true, table.format,
          table.featuresCol, table.labelCol, spark.partitions(sc), "evaluate");
      Evaluation e = Evaluator.evaluate(sc, in.blocks(), m.spec(), m.params(), m.state());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("rows", e.rows());
      r.put("loss", e.loss());
      r.put("accuracy", e.accuracy());
      System.out.print(Json.write(r));
    }
    return 0;
  }
}
