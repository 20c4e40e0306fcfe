package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML example program compiles against this build's public API. */
class ExampleCompilesTest {
  @Test
  void theFashionMnistPipelineExampleCompiles(@TempDir Path out) {
    Path root = Path.of(System.getProperty("sparkprop.root", ".."));
    Path source = root.resolve("examples/spark-ml/FashionMnistPipeline.java");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "no compiler in this JDK");
    // Surefire runs tests from a manifest-only jar; the real class path is in this property.
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = javac.run(null, null, err, "-d", out.toString(), "-cp", cp, source.toString());
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
  }
}
