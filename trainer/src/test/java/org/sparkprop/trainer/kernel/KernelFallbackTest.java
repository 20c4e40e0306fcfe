package org.sparkprop.trainer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

/**
 * Runs in a JVM started without {@code --add-modules=jdk.incubator.vector} (surefire execution
 * "no-vector-module"): the plain kernel must be chosen and must compute. In the main test JVM,
 * where the module is present, it is skipped.
 */
class KernelFallbackTest {
  @Test
  void fallsBackToPlainJavaWithoutTheVectorModule() {
    assumeFalse(Kernels.vectorAvailable(), "the Vector API module is present in this JVM");
    assertEquals("java", Kernels.selectedKind());
    Gemm g = Kernels.newGemm();
    assertEquals("java", g.name());
    float[] c = new float[4];
    g.nn(2, 2, 2, new float[] {1, 2, 3, 4}, 0, new float[] {5, 6, 7, 8}, 0, c, 0, false);
    assertArrayEquals(new float[] {19, 22, 43, 50}, c);
    assertThrows(IllegalStateException.class, () -> Kernels.newGemm("vector"));
  }
}
