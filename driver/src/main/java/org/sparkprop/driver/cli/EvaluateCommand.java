package org.sparkprop.driver.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparkprop.driver.data.ModelInput;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.output.Json;
import org.sparkprop.trainer.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparkprop evaluate}: a saved model's loss and accuracy on labelled data, as JSON. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Accuracy and loss of a saved model on labelled data, as JSON.")
public final class EvaluateCommand implements Callable<Integer> {
  @Mixin ApplyOptions apply = new ApplyOptions();

  @Option(names = "--labels", paramLabel = "URI", description = "labels (not for LibSVM "
      + "and tables)")
  String labels;

  @Override
  public Integer call() throws Exception {
    apply.run("sparkprop evaluate", (sc, fs, m) -> {
      ModelInput in = apply.input(sc, fs, m, labels, true, "evaluate");
      Evaluation e = Evaluator.evaluate(sc, in.blocks(), m.spec(), m.params(), m.state(),
          apply.threshold(m));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("rows", e.rows());
      r.put("loss", e.loss());
      r.put("accuracy", e.accuracy());
      r.putAll(e.metrics());
      System.out.print(Json.write(r));
    });
    return 0;
  }
}
