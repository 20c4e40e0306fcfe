package org.sparkprop.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, checked without a Docker engine for the Spark line being built (its
 * variables' defaults are the Spark 4 line's; cluster-configs/spark3.5.env sets the 3.5 line's):
 * parseable; every service's image, ports, volumes and environment consistent with
 * cluster-configs/ and the POM's versions; secrets only from the host's environment. Where
 * docker-compose is installed (.ci/run installs it), its own validator must accept the file too.
 */
class DockerComposeTest {
  private static final Path ROOT = Paths.get(System.getProperty("sparkprop.root", ".."))
      .toAbsolutePath().normalize();
  private static Map<String, Object> compose;
  private static Map<String, Map<String, Object>> services;
  private static Properties sparkDefaults;
  private static Configuration hadoop;
  /** The env file for this line (null on the default line, which takes the defaults). */
  private static final Path ENV_FILE = "3.5".equals(System.getProperty("sparkprop.sparkLine"))
      ? ROOT.resolve("cluster-configs/spark3.5.env") : null;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    compose = new Yaml().load(interpolate(Files.readString(ROOT.resolve("docker-compose.yml")),
        ENV_FILE == null ? Map.of() : envFile(ENV_FILE)));
    services = (Map<String, Map<String, Object>>) compose.get("services");
    sparkDefaults = new Properties();
    for (String line : Files.readAllLines(ROOT.resolve("cluster-configs/spark-defaults.conf"))) {
      String t = line.trim();
      if (!t.isEmpty() && !t.startsWith("#")) {
        String[] kv = t.split("\\s+", 2);
        sparkDefaults.setProperty(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    hadoop = new Configuration(false);
    hadoop.addResource(new org.apache.hadoop.fs.Path(
        ROOT.resolve("cluster-configs/core-site.xml").toUri()));
    hadoop.addResource(new org.apache.hadoop.fs.Path(
        ROOT.resolve("cluster-configs/hdfs-site.xml").toUri()));
  }

  @Test
  void hasTheWholeTopology() {
    for (String s : List.of("spark-master", "spark-worker-1", "spark-worker-2", "namenode",
        "datanode", "s3", "submit")) {
      assertTrue(services.containsKey(s), "service " + s);
    }
  }

  @Test
  void imagesMatchThePomVersions() {
    String spark = "apache/spark:" + System.getProperty("sparkprop.sparkImageVersion") + "-scala"
        + System.getProperty("sparkprop.scalaVersion") + "-java17-ubuntu";
    String hadoopLine = majorMinor(System.getProperty("sparkprop.hadoopVersion"));
    int sparkServices = 0;
    for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
      String image = (String) e.getValue().get("image");
      assertNotNull(image, e.getKey() + " has no image");
      assertTrue(image.matches("[a-z0-9./-]+:[A-Za-z0-9._-]+") && !image.endsWith(":latest"),
          e.getKey() + ": pin a tag: " + image);
      if (image.startsWith("apache/spark")) {
        assertEquals(spark, image, e.getKey());
        sparkServices++;
      }
      if (image.startsWith("apache/hadoop")) {
        assertEquals(hadoopLine, majorMinor(image.substring(image.indexOf(':') + 1)),
            e.getKey() + ": the Hadoop line of the client (" + hadoopLine + ")");
      }
    }
    assertTrue(sparkServices >= 4, "master, 2 workers and submit run the Spark image");
    // The hadoop-aws the submit service fetches is the client's version.
    assertTrue(command("submit").contains("org.apache.hadoop:hadoop-aws:"
        + System.getProperty("sparkprop.hadoopVersion")), "hadoop-aws version");
  }

  @Test
  void sparkMasterMatchesSparkDefaults() {
    URI master = URI.create(sparkDefaults.getProperty("spark.master"));
    assertEquals("spark", master.getScheme());
    String host = master.getHost();
    List<String> cmd = command(host);
    assertTrue(cmd.contains("org.apache.spark.deploy.master.Master"), host + " runs the master");
    assertEquals(host, after(cmd, "--host"));
    assertEquals(Integer.toString(master.getPort()), after(cmd, "--port"));
    for (String w : List.of("spark-worker-1", "spark-worker-2")) {
      assertTrue(command(w).contains(master.toString()), w + " joins " + master);
      assertEquals("1", after(command(w), "--cores"), w + ": one core per worker");
    }
    // Every published port is one the service listens on.
    for (String s : List.of("spark-master", "spark-worker-1", "spark-worker-2")) {
      assertEquals(List.of(after(command(s), "--webui-port")), containerPorts(s), s);
    }
  }

  @Test
  void hdfsMatchesCoreSite() {
    URI fs = URI.create(hadoop.get("fs.defaultFS"));
    assertEquals("hdfs", fs.getScheme());
    assertEquals(List.of("hdfs", "namenode"), command(fs.getHost()));
    assertEquals(fs.getHost() + ":" + fs.getPort(), hadoop.get("dfs.namenode.rpc-address"));
    assertEquals(List.of("hdfs", "datanode"), command("datanode"));
    String http = hadoop.get("dfs.namenode.http-address");
    assertEquals(List.of(http.substring(http.lastIndexOf(':') + 1)), containerPorts("namenode"));
    assertEquals(hadoop.get("dfs.namenode.name.dir"),
        env("namenode").get("ENSURE_NAMENODE_DIR"), "the folder the image formats");
    // The submit job writes to this HDFS and to the S3 bucket that s3-init creates.
    List<String> submit = command("submit");
    String out = after(submit, "--out");
    assertTrue(out.startsWith(fs + "/"), out);
    String export = after(submit, "--export");
    assertTrue(export.startsWith("s3a://"), export);
    String bucket = URI.create(export).getHost();
    assertEquals(List.of("mkdir", "-p", "/data/" + bucket), command("s3-init"));
  }

  @Test
  void s3MatchesCoreSite() {
    URI endpoint = URI.create(hadoop.get("fs.s3a.endpoint"));
    Map<String, String> env = env(endpoint.getHost());
    assertEquals(endpoint.getPort(), URI.create(env.get("S3PROXY_ENDPOINT")).getPort());
    assertEquals(List.of(Integer.toString(endpoint.getPort())),
        containerPorts(endpoint.getHost()));
    assertEquals("true", hadoop.get("fs.s3a.path.style.access"));
    assertTrue(hadoop.get("fs.s3a.aws.credentials.provider")
        .contains("EnvironmentVariableCredentialsProvider"));
    assertEquals(null, hadoop.get("fs.s3a.secret.key"), "no keys in core-site.xml");
    assertEquals(null, hadoop.get("fs.s3a.access.key"), "no keys in core-site.xml");
  }

  @Test
  void secretsComeOnlyFromTheHostEnvironment() {
    Pattern secretName = Pattern.compile("SECRET|CREDENTIAL|PASSWORD|ACCESS_KEY|IDENTITY");
    Pattern required = Pattern.compile("\\$\\{[A-Z0-9_]+:\\?[^}]*\\}");
    int seen = 0;
    for (String s : services.keySet()) {
      for (Map.Entry<String, String> e : env(s).entrySet()) {
        if (secretName.matcher(e.getKey()).find()) {
          assertTrue(required.matcher(e.getValue()).matches(),
              s + ": " + e.getKey() + " must be ${VAR:?...} from the host, not a value");
          seen++;
        }
      }
    }
    assertTrue(seen >= 4, "S3 credentials reach the store, the workers and the driver");
    // The executors' credentials come from their worker's environment.
    for (String w : List.of("spark-worker-1", "spark-worker-2", "submit")) {
      assertTrue(env(w).containsKey("AWS_ACCESS_KEY_ID")
          && env(w).containsKey("AWS_SECRET_ACCESS_KEY"), w);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void volumesAndConfigFoldersExist() throws Exception {
    Set<String> named = ((Map<String, Object>) compose.get("volumes")).keySet();
    for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
      for (Object v : (List<Object>) e.getValue().getOrDefault("volumes", List.of())) {
        String[] parts = ((String) v).split(":");
        String src = parts[0];
        if (src.startsWith("./")) {
          if (!src.startsWith("./driver/target")) { // build output: mvn package makes it
            assertTrue(Files.exists(ROOT.resolve(src.substring(2))), e.getKey() + ": " + src);
          }
        } else if (!src.startsWith("/")) {
          assertTrue(named.contains(src), e.getKey() + ": undeclared volume " + src);
        }
      }
      Map<String, String> env = env(e.getKey());
      for (String dirVar : List.of("SPARK_CONF_DIR", "HADOOP_CONF_DIR")) {
        if (env.containsKey(dirVar)) {
          assertTrue(mounts(e.getKey()).contains("./cluster-configs:" + env.get(dirVar) + ":ro"),
              e.getKey() + ": " + dirVar + " is the mounted cluster-configs");
        }
      }
    }
    // The job the submit service runs is the shaded jar the build makes, with our main class.
    List<String> submit = command("submit");
    String jar = submit.stream().filter(a -> a.endsWith(".jar")).findFirst().orElseThrow();
    assertTrue(jar.endsWith("/sparkprop-driver_spark" + System.getProperty("sparkprop.sparkLine")
        + "-" + System.getProperty("sparkprop.version", "0.1.0-SNAPSHOT") + "-spark.jar"), jar);
    assertTrue(mounts("submit").contains("./driver/" + System.getProperty("sparkprop.buildDir")
        + ":/opt/sparkprop/jars:ro"), "the line's build folder is mounted");
    assertEquals("org.sparkprop.driver.SparkpropCli", after(submit, "--class"));
    Class.forName(sparkDefaults.getProperty("spark.kryo.registrator"));
    // The GPU worker's discovery script is in cluster-configs and executable.
    String opts = env("spark-worker-gpu").get("SPARK_WORKER_OPTS");
    Matcher m = Pattern.compile("discoveryScript=/opt/sparkprop/conf/(\\S+)").matcher(opts);
    assertTrue(m.find(), opts);
    assertTrue(Files.isExecutable(ROOT.resolve("cluster-configs").resolve(m.group(1))));
  }

  @Test
  void dockerComposeAcceptsTheFile() throws Exception {
    File cli = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "docker-compose");
      if (f.canExecute()) {
        cli = f;
        break;
      }
    }
    Assumptions.assumeTrue(cli != null, "docker-compose is not installed (.ci/run installs "
        + "it: apt-get install docker-compose); the structural checks above still ran");
    Map<String, String> creds = Map.of("S3_ACCESS_KEY", "a", "S3_SECRET_KEY", "b");
    assertEquals(0, composeConfig(cli, creds), "docker-compose config -q");
    assertNotEquals(0, composeConfig(cli, Map.of()), "runs without the S3 credentials");
  }

  @Test
  void defaultsAreTheSparkFourLineAndTheEnvFileSetsOnlyDefaultedVariables() throws Exception {
    String text = Files.readString(ROOT.resolve("docker-compose.yml"));
    Map<String, String> line35 = envFile(ROOT.resolve("cluster-configs/spark3.5.env"));
    Set<String> defaulted = new TreeSet<>();
    Matcher m = DEFAULTED.matcher(text);
    while (m.find()) {
      defaulted.add(m.group(1));
    }
    assertEquals(defaulted, new TreeSet<>(line35.keySet()),
        "spark3.5.env sets exactly the line's variables");
    String line4 = interpolate(text, Map.of());
    assertTrue(line4.contains("apache/spark:4.") && line4.contains("scala2.13"), "Spark 4 images");
    assertTrue(interpolate(text, line35).contains("apache/spark:3.5."), "Spark 3.5 images");
  }

  // ------------------------------------------------------------------ helpers

  /** ${NAME:-default}, as docker compose substitutes it (${NAME:?error} stays as written). */
  private static final Pattern DEFAULTED = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)\\}");

  static String interpolate(String text, Map<String, String> vars) {
    Matcher m = DEFAULTED.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(vars.getOrDefault(m.group(1),
          m.group(2))));
    }
    return m.appendTail(out).toString();
  }

  /** NAME=value lines of a compose env file (# comments and blank lines skipped). */
  static Map<String, String> envFile(Path p) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String line : Files.readAllLines(p)) {
      String t = line.trim();
      if (!t.isEmpty() && !t.startsWith("#")) {
        int eq = t.indexOf('=');
        assertTrue(eq > 0, p + ": not NAME=value: " + t);
        out.put(t.substring(0, eq), t.substring(eq + 1));
      }
    }
    return out;
  }

  private static int composeConfig(File cli, Map<String, String> env) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(cli.getPath()));
    if (ENV_FILE != null) {
      cmd.addAll(List.of("--env-file", ENV_FILE.toString()));
    }
    cmd.addAll(List.of("--profile", "gpu", "config", "-q"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("S3_ACCESS_KEY");
    pb.environment().remove("S3_SECRET_KEY");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config timed out");
    return p.exitValue();
  }

  @SuppressWarnings("unchecked")
  private static List<String> command(String service) {
    Map<String, Object> s = services.get(service);
    assertNotNull(s, "no service " + service);
    Object c = s.get("command");
    assertTrue(c instanceof List, service + ": command as a list");
    List<String> out = new ArrayList<>();
    for (Object o : (List<Object>) c) {
      out.add(String.valueOf(o));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> env(String service) {
    Map<String, String> out = new HashMap<>();
    Object e = services.get(service).get("environment");
    if (e instanceof Map) {
      ((Map<String, Object>) e).forEach((k, v) -> out.put(k, String.valueOf(v)));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> mounts(String service) {
    return (List<String>) services.get(service).getOrDefault("volumes", List.of());
  }

  @SuppressWarnings("unchecked")
  private static List<String> containerPorts(String service) {
    List<String> out = new ArrayList<>();
    for (Object p : (List<Object>) services.get(service).getOrDefault("ports", List.of())) {
      String s = String.valueOf(p);
      out.add(s.substring(s.lastIndexOf(':') + 1));
    }
    return out;
  }

  private static String after(List<String> cmd, String flag) {
    int i = cmd.indexOf(flag);
    assertTrue(i >= 0 && i + 1 < cmd.size(), flag + " in " + cmd);
    return cmd.get(i + 1);
  }

  private static String majorMinor(String v) {
    String[] p = v.split("\\.");
    return p[0] + "." + p[1];
  }
}
