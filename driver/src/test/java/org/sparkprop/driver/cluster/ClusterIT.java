package org.sparkprop.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.sparkprop.driver.SparkpropCli;
import org.sparkprop.driver.TestJson;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.bench.LargeData;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.FashionMnist;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.io.ModelCodec;

/**
 * The cluster topology of docker-compose.yml without Docker, all on loopback: a Spark
 * standalone master and two workers started by bin/cluster (2 cores each; each application
 * takes one core per worker, so a lost worker's core can be replaced on the other), an
 * in-process HDFS (MiniDFSCluster) and an S3 server (s3proxy) as its own process. The shaded
 * jar goes through bin/submit (spark-submit, client mode), as an operator would run it.
 *
 * <p>The tests run in order and share the first run ("run a") as their reference.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final Path ROOT = Paths.get(System.getProperty("sparkprop.root", ".."))
      .toAbsolutePath().normalize();
  private static final Path WORK = ROOT.resolve("driver")
      .resolve(System.getProperty("sparkprop.buildDir", "target")).resolve("it");
  private static final Path CLUSTER = WORK.resolve("cluster");
  private static final String BUCKET = "sparkprop-it";

  private static MiniDFSCluster dfs;
  private static S3Server s3;
  private static String hdfs;
  private static String masterUrl;
  private static Fs fs;
  private static final List<Path> logs = new ArrayList<>();
  private static Model modelA;
  private static String predictionsA;

  @BeforeAll
  static void startEverything() throws Exception {
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    Configuration hc = new Configuration();
    hc.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, WORK.resolve("hdfs").toString());
    dfs = new MiniDFSCluster.Builder(hc).numDataNodes(1).build();
    dfs.waitActive();
    hdfs = "hdfs://127.0.0.1:" + dfs.getNameNodePort();

    s3 = new S3Server(Paths.get(System.getProperty("sparkprop.s3proxyJar")),
        WORK.resolve("s3"));
    s3.createBucket(BUCKET);
    s3.start();

    Configuration c = new Configuration();
    c.set("fs.defaultFS", "file:///");
    fs = new Fs(withS3a(c));

    // The workers (and so their executors) get the S3 credentials from their environment.
    Proc start = Proc.start(WORK.resolve("logs/cluster-start.log"), env(), List.of(
        ROOT.resolve("bin/cluster").toString(), "start", "--workers", "2", "--cores", "2",
        "--memory", "2g", "--dir", CLUSTER.toString()));
    assertEquals(0, start.await(180), start.tail());
    masterUrl = Files.readString(CLUSTER.resolve("master-url")).trim();
    assertTrue(masterUrl.startsWith("spark://127.0.0.1:"), masterUrl);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      Proc stop = Proc.start(WORK.resolve("logs/cluster-stop.log"), Map.of(), List.of(
          ROOT.resolve("bin/cluster").toString(), "stop", "--dir", CLUSTER.toString()));
      stop.await(60);
    } finally {
      if (s3 != null) {
        s3.close();
      }
      if (dfs != null) {
        dfs.shutdown();
      }
    }
  }

  // ------------------------------------------------------------------ scenarios

  @Test
  @Order(1)
  void trainsAcrossBothWorkersAndExportsToHdfsAndS3() throws Exception {
    String out = hdfs + "/runs/a";
    String export = "s3a://" + BUCKET + "/runs/a";
    Proc run = submit("train-a", train("--out", out, "--export", export,
        "--checkpoint-dir", "s3a://" + BUCKET + "/ckpt/a"));
    assertEquals(0, run.await(300), run.tail());

    String metrics = fs.readString(out + "/metrics.json");
    assertEquals(masterUrl, TestJson.parse(metrics).at("/config/master").asText(), metrics);
    double accuracy = number(metrics, "test_accuracy");
    assertTrue(accuracy >= 0.84, "test accuracy " + accuracy);
    // Both workers ran an executor of this application (one core each).
    String appId = appId(run);
    for (int w = 1; w <= 2; w++) {
      String log = Files.readString(CLUSTER.resolve("logs/worker-" + w + ".log"));
      assertTrue(log.contains("Asked to launch executor " + appId), "worker " + w + " log");
    }
    // The same published bytes on HDFS and S3, and a checkpoint published on S3.
    assertTrue(fs.exists(out + "/_SUCCESS") && fs.exists(export + "/_SUCCESS"));
    byte[] model = fs.readAll(out + "/model.spkm");
    assertArrayEquals(model, fs.readAll(export + "/model.spkm"));
    assertArrayEquals(fs.readAll(out + "/metrics.json"), fs.readAll(export + "/metrics.json"));
    assertTrue(fs.exists("s3a://" + BUCKET + "/ckpt/a/LATEST"));
    modelA = ModelCodec.decode(model, "run a");
    predictionsA = fs.readString(out + "/test_predictions.csv");

    // Import: predict (embedded Spark) from the HDFS folder, the S3 folder and a local copy;
    // all equal each other and the cluster's own predictions.
    Path local = WORK.resolve("model-a.spkm");
    Files.write(local, model);
    String testImages = FashionMnist.defaultDir().resolve("t10k-images-idx3-ubyte.gz").toString();
    for (String from : List.of(out, export, local.toString())) {
      Path pred = WORK.resolve("pred-" + Math.abs(from.hashCode()) + ".csv");
      List<String> args = new ArrayList<>(List.of("predict", "--model", from, "--features",
          testImages, "--output", pred.toString(), "--master", "local[2]"));
      for (String kv : s3aConf(true)) {
        args.add("--conf");
        args.add(kv);
      }
      assertEquals(0, SparkpropCli.run(args.toArray(new String[0])), from);
      assertEquals(predictionsA, Files.readString(pred), "predictions from " + from);
    }
  }

  @Test
  @Order(2)
  void predictsInBatchOnTheClusterFromHdfsDataToS3() throws Exception {
    String images = hdfs + "/data/t10k-images-idx3-ubyte.gz";
    fs.write(images, Files.readAllBytes(
        FashionMnist.defaultDir().resolve("t10k-images-idx3-ubyte.gz")));
    String output = "s3a://" + BUCKET + "/predictions/a.parquet";
    Proc run = submit("predict-a", List.of("predict", "--model", "s3a://" + BUCKET + "/runs/a",
        "--features", images, "--output", output, "--format", "parquet", "--partitions", "2"));
    assertEquals(0, run.await(240), run.tail());

    try (JavaSparkContext sc = TestSpark.start("local[1]")) {
      withS3a(sc.hadoopConfiguration());
      List<Row> rows = SparkSession.builder().sparkContext(sc.sc()).getOrCreate().read()
          .parquet(output).orderBy("row").select("prediction").collectAsList();
      StringBuilder b = new StringBuilder();
      for (Row r : rows) {
        b.append(((Number) r.get(0)).intValue()).append('\n');
      }
      assertEquals(10_000, rows.size());
      assertEquals(predictionsA, b.toString());
    }
  }

  /**
   * Data three times the driver's heap: 1.5 GB as floats (478,000 rows of 784 byte features)
   * trained on both workers by a driver of 512 MB (Spark itself needs about 450 MB of it) from
   * a binary and a text format, read by the executors: IDX, and the course CSV pair (whose
   * labels are joined to the rows by line number). LibSVM shares the text path and Parquet is
   * read by Spark SQL; ExecutorReadCliTest checks at small size that every format trains the
   * same bits. The CSV pair trains the parameters IDX trains, bit for bit; the shards hold a
   * byte per feature.
   */
  @Test
  @Order(3)
  void trainsDataThreeTimesTheDriversHeapFromBinaryAndTextFiles() throws Exception {
    Path d = WORK.resolve("large");
    long rows = 478_000;
    LargeData.Rows train = LargeData.synthetic(784, 10, 7);
    LargeData.Rows test = LargeData.synthetic(784, 10, 8);
    // The files written side by side, a thread per format.
    Files.createDirectories(d);
    ExecutorService writers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> written = new ArrayList<>();
      written.add(writers.submit(() -> {
        LargeData.writeIdx(d.resolve("train-images.idx"), d.resolve("train-labels.idx"), train,
            rows);
        LargeData.writeIdx(d.resolve("test-images.idx"), d.resolve("test-labels.idx"), test,
            2_000);
        return null;
      }));
      written.add(writers.submit(() -> {
        LargeData.writeCourseCsv(d.resolve("train_vectors.csv"), d.resolve("train_labels.csv"),
            train, rows);
        LargeData.writeCourseCsv(d.resolve("test_vectors.csv"), d.resolve("test_labels.csv"),
            test, 2_000);
        return null;
      }));
      for (Future<?> f : written) {
        f.get();
      }
    } finally {
      writers.shutdownNow();
    }
    Map<String, List<String>> formats = new LinkedHashMap<>();
    formats.put("idx", List.of("--train-features", d.resolve("train-images.idx").toString(),
        "--train-labels", d.resolve("train-labels.idx").toString(),
        "--test-features", d.resolve("test-images.idx").toString(),
        "--test-labels", d.resolve("test-labels.idx").toString()));
    formats.put("course-csv", List.of("--train-features",
        d.resolve("train_vectors.csv").toString(), "--train-labels",
        d.resolve("train_labels.csv").toString(), "--test-features",
        d.resolve("test_vectors.csv").toString(), "--test-labels",
        d.resolve("test_labels.csv").toString()));
    // Both applications at once: the cluster has four task slots, each run takes two.
    Map<String, Proc> runs = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> f : formats.entrySet()) {
      List<String> args = new ArrayList<>(List.of("train", "--out",
          d.resolve("out-" + f.getKey()).toString(), "--arch", "784-16-10", "--epochs", "1",
          "--batch", "2048", "--partitions", "2", "--no-train-predictions"));
      args.addAll(f.getValue());
      runs.put(f.getKey(), submit("train-large-" + f.getKey(), args, "-Xmx512m"));
    }
    for (Map.Entry<String, Proc> run : runs.entrySet()) {
      assertEquals(0, run.getValue().await(400), run.getKey() + "\n" + run.getValue().tail());
    }
    Model reference = null;
    for (String f : formats.keySet()) {
      Path out = d.resolve("out-" + f);
      JsonNode m = TestJson.read(out.resolve("metrics.json"));
      assertEquals(masterUrl, m.at("/config/master").asText());
      assertEquals(784 + 4, m.get("shard_bytes_per_row").asInt(), f);
      assertTrue(m.get("test_accuracy").asDouble() > 0.95, f + ": " + m.get("test_accuracy"));
      assertFalse(Files.exists(out.resolve("train_predictions.csv")));
      Model model = ModelCodec.decode(Files.readAllBytes(out.resolve("model.spkm")), f);
      if (reference == null) {
        reference = model;
      } else {
        assertArrayEquals(reference.params(), model.params(), f + " vs IDX");
        assertArrayEquals(reference.state(), model.state(), f + " vs IDX");
      }
    }
    deleteRecursively(d);
  }

  /**
   * The driver killed mid-run, then a worker killed mid-epoch of the resumed run: the run
   * resumes from its last checkpoint, the lost epoch is retried on the remaining worker, and
   * the parameters are run a's, bit for bit (the deterministic mode). Kills a worker, so it
   * runs after the scenarios that need both.
   */
  @Test
  @Order(4)
  void resumesAfterTheDriverIsKilledAndSurvivesAWorkerKilledMidEpoch() throws Exception {
    String ckpt = hdfs + "/ckpt/c";
    String out = "s3a://" + BUCKET + "/runs/c";
    List<String> args = train("--out", out, "--checkpoint-dir", ckpt);
    Proc first = submit("train-c-killed", args);
    // Kill the driver (SIGKILL: no shutdown hooks) once a checkpoint is published mid-run.
    first.awaitTrue(() -> exists(ckpt + "/LATEST"), 240, "a checkpoint in " + ckpt);
    first.close();
    first.process.waitFor();
    assertFalse(fs.exists(out + "/_SUCCESS"), "the killed run published its output");
    String latest = fs.readString(ckpt + "/LATEST").trim();

    List<String> resume = train("--out", out, "--resume", ckpt);
    Proc second = submit("train-c-resumed", resume);
    // Mid-epoch: a progress line (every 2 s) before an epoch's last step (211 steps each),
    // the first one usually, while the resumed run's epoch 1 is still slow; once compiled, an
    // epoch of this small network can end between two progress lines.
    second.awaitLog("epoch [123] · step (?!21[01]/)[0-9]+/211", 240);
    // A machine failure: the worker JVM and its executor die at once.
    long pid = Long.parseLong(Files.readString(CLUSTER.resolve("worker-1.pid")).trim());
    ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
    worker.descendants().forEach(ProcessHandle::destroyForcibly);
    worker.destroyForcibly();
    assertEquals(0, second.await(300), second.tail());
    assertTrue(second.output().contains("resum"), "no resume line\n" + second.tail());
    assertTrue(second.output().contains("lost a worker"), "no worker loss seen\n"
        + second.tail());
    Model m = ModelCodec.decode(fs.readAll(out + "/model.spkm"), "run c");
    assertArrayEquals(modelA.params(), m.params(), "resumed from " + latest);
    assertArrayEquals(modelA.state(), m.state());
  }

  @Test
  @Order(5)
  void storeUnreachableAtExportLeavesNothingPublished() throws Exception {
    String out = "s3a://" + BUCKET + "/runs/e";
    String ckpt = hdfs + "/ckpt/e";
    List<String> args = new ArrayList<>(train("--out", out, "--checkpoint-dir", ckpt));
    args.addAll(List.of("--master", "local[2]"));
    Proc run = submit("train-e-store-down", args);
    // The output was probed writable before training; take the store away during training.
    run.awaitLog("epoch 1 · step", 240);
    s3.stop();
    int code = run.await(300);
    String log = run.output();
    s3.start();
    assertNotEquals(0, code, log);
    assertTrue(log.contains("sparkprop: error: " + out + ": export failed, the folder is not "
        + "published"), log);
    assertFalse(fs.exists(out + "/_SUCCESS"), "a _SUCCESS marker for a failed export");
    // The last checkpoint (on HDFS) is complete: resuming from it publishes the model.
    Proc again = submit("train-e-reexport", List.of(
        "train", "--out", out, "--resume", ckpt, "--arch", "784-128-10", "--epochs", "3",
        "--batch", "128", "--partitions", "2", "--master", "local[2]"));
    assertEquals(0, again.await(300), again.tail());
    assertTrue(fs.exists(out + "/_SUCCESS"));
    assertArrayEquals(modelA.params(),
        ModelCodec.decode(fs.readAll(out + "/model.spkm"), "run e").params());
  }

  @Test
  @Order(6)
  void noSecretInAnyLogOrOutput() throws Exception {
    List<Path> files = new ArrayList<>(logs);
    try (Stream<Path> s = Files.walk(CLUSTER)) {
      s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("spark-home"))
          .forEach(files::add);
    }
    assertTrue(files.size() > 8, "files scanned: " + files);
    for (Path p : files) {
      String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(s3.secretKey), "the S3 secret key appears in " + p);
    }
    for (String f : List.of("model.spkm", "metrics.json", "report.html")) {
      String text = new String(fs.readAll(hdfs + "/runs/a/" + f), StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(s3.secretKey), "the S3 secret key appears in " + f);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The training every scenario runs: small enough for CI, long enough to kill mid-way. */
  private static List<String> train(String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--arch", "784-128-10", "--epochs", "3",
        "--batch", "128", "--partitions", "2", "--checkpoint-every", "50"));
    a.addAll(Arrays.asList(extra));
    return a;
  }

  /** S3A settings for the loopback server; the keys only where no environment gives them. */
  private static List<String> s3aConf(boolean withKeys) {
    List<String> c = new ArrayList<>(List.of(
        "spark.hadoop.fs.s3a.endpoint=" + s3.endpoint(),
        "spark.hadoop.fs.s3a.path.style.access=true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        "spark.hadoop.fs.s3a.attempts.maximum=1",
        "spark.hadoop.fs.s3a.retry.limit=1",
        "spark.hadoop.fs.s3a.retry.interval=100ms",
        "spark.hadoop.fs.s3a.connection.establish.timeout=2000",
        "spark.hadoop.fs.s3a.connection.timeout=5000"));
    if (withKeys) {
      c.add("spark.hadoop.fs.s3a.access.key=" + s3.accessKey);
      c.add("spark.hadoop.fs.s3a.secret.key=" + s3.secretKey);
    }
    return c;
  }

  /** c with the loopback S3A settings (and keys) of s3aConf. */
  private static Configuration withS3a(Configuration c) {
    for (String kv : s3aConf(true)) {
      int eq = kv.indexOf('=');
      c.set(kv.substring("spark.hadoop.".length(), eq), kv.substring(eq + 1));
    }
    return c;
  }

  private static Map<String, String> env() {
    Map<String, String> e = new HashMap<>();
    e.put("AWS_ACCESS_KEY_ID", s3.accessKey);
    e.put("AWS_SECRET_ACCESS_KEY", s3.secretKey);
    e.put("SPARK_LOCAL_IP", "127.0.0.1");
    e.put("SPARKPROP_JAVA_OPTS", "-Xmx2g");
    // bin/cluster and bin/submit run the Spark line this build is for.
    e.put("SPARK_LINE", System.getProperty("sparkprop.sparkLine", "4"));
    return e;
  }

  /** bin/submit of the shaded jar in client mode, against the cluster unless args name one. */
  private static Proc submit(String name, List<String> appArgs) throws IOException {
    return submit(name, appArgs, "-Xmx2g");
  }

  /** As above, the driver JVM started with driverOpts (its heap). */
  private static Proc submit(String name, List<String> appArgs, String driverOpts)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/submit").toString(),
        "--class", "org.sparkprop.driver.SparkpropCli",
        "--conf", "spark.cores.max=2", "--conf", "spark.executor.memory=1g"));
    for (String kv : s3aConf(false)) {
      cmd.add("--conf");
      cmd.add(kv);
    }
    cmd.add(System.getProperty("sparkprop.submitJar"));
    cmd.addAll(appArgs);
    Map<String, String> env = env();
    env.put("SPARK_CONF_DIR", CLUSTER.resolve("conf").toString());
    env.put("SPARKPROP_JAVA_OPTS", driverOpts);
    Path log = WORK.resolve("logs/" + name + ".log");
    logs.add(log);
    return Proc.start(log, env, cmd);
  }

  private static boolean exists(String uri) {
    try {
      return fs.exists(uri);
    } catch (IOException e) {
      return false;
    }
  }

  private static String appId(Proc run) throws IOException {
    Matcher m = Pattern.compile("app-\\d{14}-\\d{4}").matcher(run.output());
    if (m.find()) {
      return m.group();
    }
    // The driver logs at WARN; the master's log names every application it registered.
    String master = Files.readString(CLUSTER.resolve("logs/master.log"));
    Matcher all = Pattern.compile("Registered app sparkprop train with ID (app-\\S+)")
        .matcher(master);
    String last = null;
    while (all.find()) {
      last = all.group(1);
    }
    if (last == null) {
      throw new AssertionError("no application in the master's log");
    }
    return last;
  }

  private static double number(String json, String key) {
    JsonNode v = TestJson.parse(json).get(key);
    assertTrue(v != null && v.isNumber(), key + " in " + json);
    return v.asDouble();
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(q -> q.toFile().delete());
    }
  }
}
