package org.sparkprop.driver.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.KryoSetup;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Shards;
import org.sparkprop.driver.exchange.Exchange;
import org.sparkprop.driver.exchange.WirePrecision;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.train.SparkTrainer;
import org.sparkprop.driver.train.Sync;
import org.sparkprop.driver.train.TrainOptions;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.data.Normalizer;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.LrSchedule;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * Time to accuracy on Spark: Fashion-MNIST 784-256-128-10 (ReLU) in local[N], the official
 * test set evaluated after every epoch outside the timed training. Each argument is one run,
 * {@code exchange:sync:k:batchPerWorker:optimizer:lr:epochs[:schedule]}, e.g.
 * {@code direct:gradient:1:64:adam:0.002:8}; the ring takes modifiers after its name:
 * {@code ring/b4096/noshard/bf16/tcp} (bucket KiB, replicated optimizer, bfloat16 on the wire,
 * TCP between peers on one host).
 * Prints one JSON object: per run the training seconds at which test accuracy first reached
 * 0.88, the best accuracy, samples/s, and the per-step split into compute, communication and
 * driver update.
 */
public final class SparkTrainBench {
  public static void main(String[] args) throws Exception {
    String master = System.getProperty("bench.master", "local[2]");
    int partitions = Integer.getInteger("bench.partitions", 2);
    SparkConf conf = KryoSetup.configure(new SparkConf()).setMaster(master)
        .setAppName("sparkprop-bench").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1").set("spark.ui.enabled", "false");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("master", master);
    out.put("partitions", partitions);
    out.put("model", "784-256-128-10 relu, softmax cross-entropy, no dropout/batch norm");
    List<Object> runs = new ArrayList<>();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      out.put("spark_version", sc.version());
      out.put("scala_version", scala.util.Properties.versionNumberString());
      long t0 = System.nanoTime();
      Dataset[] raw = FashionMnist.load(FashionMnist.defaultDir());
      Normalizer norm = Normalizer.fit(Scaling.SCALE255, raw[0].x(), raw[0].rows(), 784);
      Dataset train = norm.apply(raw[0]);
      Dataset test = norm.apply(raw[1]);
      JavaRDD<Block> trainRdd = Shards.forTraining(sc, train, partitions, 42, "train");
      JavaRDD<Block> testRdd = Shards.inOrder(sc, test, partitions, "test");
      trainRdd.count();
      testRdd.count();
      out.put("data_seconds", (System.nanoTime() - t0) / 1e9);
      MlpSpec spec = MlpSpec.of("784-256-128-10", "relu", "softmax_ce");
      // A warm-up (the first run for one epoch, not reported) so that the JIT's first compiles
      // do not fall on whichever run comes first.
      int warmups = Integer.getInteger("bench.warmup", 1);
      List<String> all = new ArrayList<>();
      for (int w = 0; w < warmups && args.length > 0; w++) {
        all.add("warmup");
      }
      all.addAll(List.of(args));
      for (String spec0 : all) {
        boolean warmup = spec0.equals("warmup");
        String a = warmup ? args[0] : spec0;
        String[] f = a.split(":");
        int batch = Integer.parseInt(f[3]);
        int epochs = warmup ? 1 : Integer.parseInt(f[6]);
        String schedule = f.length > 7 ? f[7] : "constant";
        TrainConfig cfg = TrainConfig.defaults(42).withEpochs(epochs).withBatch(batch)
            .withOptimizer(OptimizerConfig.defaults(f[4]), Float.parseFloat(f[5]))
            .withSchedule(new LrSchedule(schedule, 0, 1, 0.5, 0));
        String[] ex = f[0].split("/");
        TrainOptions o = TrainOptions.defaults().with(
            Sync.valueOf(f[1].toUpperCase(Locale.ROOT)), Integer.parseInt(f[2]),
            Exchange.valueOf(ex[0].toUpperCase(Locale.ROOT)));
        for (int m = 1; m < ex.length; m++) {
          o = switch (ex[m]) {
            case "noshard" -> o.withShardOptimizer(false);
            case "bf16" -> o.withWirePrecision(WirePrecision.BF16);
            case "tcp" -> o.withSharedMemory(false);
            default -> {
              if (!ex[m].startsWith("b")) {
                throw new IllegalArgumentException("unknown exchange modifier '" + ex[m]
                    + "' (bKIB, noshard, bf16, tcp)");
              }
              yield o.withBucketKib(Integer.parseInt(ex[m].substring(1)));
            }
          };
        }
        Weights ps = new Mlp(spec, 1).initialise(42);
        SparkTrainer t = new SparkTrainer(sc, spec, cfg, o).logTo(System.err::println)
            .monitor(testRdd);
        TrainResult r = t.fit(trainRdd, train.rows(), ps);
        if (warmup) {
          continue;
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("run", a);
        run.put("global_batch", batch * partitions);
        Double reached = null;
        double best = 0;
        List<Object> curve = new ArrayList<>();
        for (int i = 0; i < r.monitorAccuracy().size(); i++) {
          double acc = r.monitorAccuracy().get(i);
          curve.add(List.of(r.trainingSecondsAtEpoch().get(i), acc));
          best = Math.max(best, acc);
          if (reached == null && acc >= 0.88) {
            reached = r.trainingSecondsAtEpoch().get(i);
          }
        }
        run.put("seconds_to_88", reached);
        run.put("best_test_accuracy", best);
        run.put("training_seconds", r.trainingSecondsAtEpoch().get(r.trainingSecondsAtEpoch()
            .size() - 1));
        run.put("samples_per_second", r.samplesPerSecond());
        run.put("timing", r.timing().toMap());
        run.put("seconds_and_test_accuracy_per_epoch", curve);
        runs.add(run);
      }
    }
    out.put("runs", runs);
    System.out.print(Json.write(out));
  }
}
