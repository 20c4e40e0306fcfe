package org.sparkprop.trainer.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every initialisation scheme against its formula: on 256×512 weights the sample mean is 0 and
 * the sample variance is the scheme's (uniform U(−a, a): a²/3) within four standard errors, and
 * a uniform scheme never leaves [−a, a].
 */
class InitTest {
  private static final int FAN_IN = 256;
  private static final int FAN_OUT = 512;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // scheme, expected variance, uniform bound (0: normal)
      "XAVIER_UNIFORM, 0.0026041667, 0.0883883476",   // a = √(6/768), a²/3 = 2/768
      "XAVIER_NORMAL, 0.0026041667, 0",               // 2/(I+O) = 2/768
      "HE_NORMAL, 0.0078125, 0",                      // 2/I
      "HE_UNIFORM, 0.0078125, 0.1530931089",          // a = √(6/256)
      "SMALL_UNIFORM, 0.0008333333, 0.05",            // 0.05²/3
      "LECUN_NORMAL, 0.00390625, 0"})                 // 1/I
  void meanAndVarianceMatchTheFormula(Init scheme, double variance, double bound) {
    int n = FAN_IN * FAN_OUT;
    float[] p = new float[n + 2];
    scheme.fill(p, 1, FAN_IN, FAN_OUT, new SplittableRandom(7));
    assertEquals(0f, p[0], 0f, "writes nothing before its offset");
    assertEquals(0f, p[n + 1], 0f, "writes nothing after its range");
    double sum = 0;
    double sq = 0;
    double max = 0;
    for (int i = 1; i <= n; i++) {
      sum += p[i];
      sq += (double) p[i] * p[i];
      max = Math.max(max, Math.abs(p[i]));
    }
    double mean = sum / n;
    double var = sq / n - mean * mean;
    // Standard errors: of the mean √(v/n); of the variance ≈ v·√(2/n) (normal), less for uniform.
    assertEquals(0, mean, 4 * Math.sqrt(variance / n), scheme + " mean");
    assertEquals(variance, var, 4 * variance * Math.sqrt(2.0 / n), scheme + " variance");
    if (bound > 0) {
      assertTrue(max <= bound, scheme + " leaves [−a, a]: " + max);
      assertTrue(max > 0.99 * bound, scheme + " never comes near a: " + max);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"lecun_normal, LECUN_NORMAL", "He-Normal, HE_NORMAL", "AUTO, AUTO"})
  void parsesNamesAsTheCommandLineWritesThem(String name, Init expected) {
    assertEquals(expected, Init.parse(name));
  }

  @Test
  void autoMustBeResolvedFirst() {
    assertThrows(IllegalStateException.class,
        () -> Init.AUTO.fill(new float[4], 0, 2, 2, new SplittableRandom(1)));
  }
}
