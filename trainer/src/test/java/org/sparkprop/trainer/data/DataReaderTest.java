package org.sparkprop.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.loss.Task;

class DataReaderTest {
  /** An IDX file: magic 0x0000 08 nd, dims, bytes. */
  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putInt(0x0800 | dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  static ByteArrayInputStream in(String s) {
    return in(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsIdxPlainAndGzipped() throws IOException {
    byte[] images = idx(new int[] {2, 2, 2}, new byte[] {0, 1, 2, (byte) 255, 4, 5, 6, 7});
    byte[] labels = idx(new int[] {2}, new byte[] {3, 9});
    for (boolean gz : new boolean[] {false, true}) {
      Dataset d = IdxReader.readPair(in(gz ? gzip(images) : images), "img",
          in(gz ? gzip(labels) : labels), "lab", 10);
      assertEquals(2, d.rows());
      assertEquals(4, d.features());
      assertArrayEquals(new float[] {0, 1, 2, 255, 4, 5, 6, 7}, d.x());
      assertArrayEquals(new float[] {3, 9}, d.y());
    }
  }

  private static String idxError(byte[] images, byte[] labels) {
    return assertThrows(DataFormatException.class,
        () -> IdxReader.readPair(in(images), "img.idx", in(labels), "lab.idx", 10)).getMessage();
  }

  /** A truncated or corrupt gzip names the file, the compressed offset and the IDX bytes. */
  @Test
  void aTruncatedOrCorruptGzipNamesTheFileAndTheOffset() throws IOException {
    byte[] raw = new byte[200_000];
    new SplittableRandom(4).nextBytes(raw);  // incompressible: offsets scale
    byte[] gz = gzip(idx(new int[] {2000, 10, 10}, raw));
    byte[] cut = Arrays.copyOf(gz, gz.length / 2);
    String m = assertThrows(DataFormatException.class, () -> IdxReader.read(in(cut), "img.gz"))
        .getMessage();
    assertTrue(m.matches("img\\.gz, compressed byte " + cut.length + ": the gzip data ends "
        + "early \\(a truncated file\\?\\) after \\d+ bytes of IDX data"), m);
    long decompressed = Long.parseLong(m.replaceAll(".* after (\\d+) bytes.*", "$1"));
    assertTrue(decompressed > 60_000 && decompressed <= 100_016, m);
    byte[] corrupt = gz.clone();
    for (int i = gz.length - 8; i < gz.length; i++) {
      corrupt[i] ^= 0x55;  // the trailer's CRC-32 and length
    }
    String c = assertThrows(DataFormatException.class,
        () -> IdxReader.read(in(corrupt), "img.gz")).getMessage();
    assertTrue(c.matches("img\\.gz, compressed byte \\d+: corrupt gzip data \\(.+\\) after "
        + "200016 bytes of IDX data"), c);
  }

  @Test
  void rejectsMalformedIdx() {
    byte[] okImages = idx(new int[] {2, 1, 2}, new byte[] {1, 2, 3, 4});
    byte[] okLabels = idx(new int[] {2}, new byte[] {1, 2});
    byte[] badMagic = okImages.clone();
    badMagic[2] = 0x0D; // float type
    assertTrue(idxError(badMagic, okLabels).matches("img\\.idx, byte 0: bad IDX magic.*"));
    byte[] truncated = Arrays.copyOf(okImages, okImages.length - 1);
    assertTrue(idxError(truncated, okLabels).contains("truncated"));
    assertTrue(idxError(new byte[0], okLabels).contains("empty"));
    assertTrue(idxError(okImages, idx(new int[] {3}, new byte[] {1, 2, 3}))
        .contains("3 labels for 2 images"));
    assertTrue(idxError(okImages, idx(new int[] {2}, new byte[] {1, 12}))
        .startsWith("lab.idx, label 1"));
    byte[] trailing = Arrays.copyOf(okImages, okImages.length + 1);
    assertTrue(idxError(trailing, okLabels).contains("trailing"));
  }

  @Test
  void readsTheCourseProjectCsvPair() throws IOException {
    Dataset d = CsvReader.readPair(in("0,128,255\n1.5,2,3\n"), "v.csv", in("7\n0\n"), "l.csv", 10);
    assertEquals(2, d.rows());
    assertEquals(3, d.features());
    assertArrayEquals(new float[] {0, 128, 255, 1.5f, 2, 3}, d.x());
    assertArrayEquals(new float[] {7, 0}, d.y());
  }

  private static String csvError(String vectors, String labels) {
    return assertThrows(DataFormatException.class,
        () -> CsvReader.readPair(in(vectors), "v.csv", in(labels), "l.csv", 10)).getMessage();
  }

  @Test
  void rejectsMalformedCsvWithFileLineAndField() {
    assertEquals("v.csv, line 2: row has 2 values, the first row has 3",
        csvError("1,2,3\n4,5\n", "1\n2\n"));
    assertEquals("v.csv, line 1, field 2: 'abc' is not a number", csvError("1,abc,3\n", "1\n"));
    assertEquals("v.csv, line 1, field 3: value is NaN", csvError("1,2,NaN\n", "1\n"));
    assertEquals("v.csv, line 1, field 2: empty field", csvError("1,,3\n", "1\n"));
    assertEquals("l.csv, line 2: label 10 is not a class in [0, 10)",
        csvError("1\n2\n", "1\n10\n"));
    assertEquals("l.csv, line 1: 'x' is not an integer label", csvError("1\n", "x\n"));
    assertEquals("l.csv: 1 labels for 2 rows of v.csv", csvError("1\n2\n", "1\n"));
    assertEquals("v.csv: no rows", csvError("", ""));
  }

  @Test
  void normalisersAndSplits() {
    float[] x = {0, 10, 255, 30};
    Normalizer s = Normalizer.fit(Scaling.SCALE255, x, 2, 2);
    float[] y = x.clone();
    s.apply(y, 2);
    assertArrayEquals(new float[] {0, 10 / 255f, 1, 30 / 255f}, y, 1e-7f);
    Normalizer z = Normalizer.fit(Scaling.STANDARDIZE, x, 2, 2);
    y = x.clone();
    z.apply(y, 2);
    assertArrayEquals(new float[] {-1, -1, 1, 1}, y, 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> Scaling.parse("minmax"));
    Dataset d = new Dataset(new float[20], new float[10], 10, 2, 1);
    Dataset[] parts = d.split(0.3, 1);
    assertEquals(7, parts[0].rows());
    assertEquals(3, parts[1].rows());
  }

  private static Dataset libsvm(String text, int features, int classes) throws IOException {
    return LibSvmReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "t.libsvm", features, classes);
  }

  @Test
  void libSvmPlacesSparseValuesAndNamesBadFields() throws IOException {
    Dataset d = libsvm("# comment\n1 2:0.5 4:-1\n\n0 1:3 # tail\n", 0, 2);
    assertEquals(2, d.rows());
    assertEquals(4, d.features());
    assertArrayEquals(new float[] {0, 0.5f, 0, -1, 3, 0, 0, 0}, d.x());
    assertArrayEquals(new float[] {1, 0}, d.y());
    assertEquals(6, libsvm("1 2:1\n", 6, 2).features());
    assertTrue(assertThrows(DataFormatException.class, () -> libsvm("1 1:1\n2 1:1\n", 0, 2))
        .getMessage().contains("line 2, field 1"));
    assertTrue(assertThrows(DataFormatException.class, () -> libsvm("1 3:1 2:1\n", 0, 2))
        .getMessage().contains("line 1, field 3"));
    assertTrue(assertThrows(DataFormatException.class, () -> libsvm("1 1:x\n", 0, 2))
        .getMessage().contains("index:value"));
    assertTrue(assertThrows(DataFormatException.class, () -> libsvm("1 7:1\n", 6, 2))
        .getMessage().contains("exceeds the 6 features"));
  }

  /**
   * Regression and multi-label targets in every driver-side format: the course labels file
   * with comma-separated values, LibSVM's real labels and label-index lists, IDX label tensors
   * of (N, T); each bad value named by file, line (or label) and reason.
   */
  @Test
  void regressionAndMultilabelTargets() throws IOException {
    Targets reg = new Targets(Task.REGRESSION, 2);
    Dataset c = CsvReader.readPair(in("1,2\n3,4\n"), "v.csv", in("0.5,-2\n1e3,7\n"), "l.csv",
        reg);
    assertEquals(2, c.targetWidth());
    assertArrayEquals(new float[] {0.5f, -2, 1000, 7}, c.y());
    assertEquals("l.csv, line 2: 1 value, the network has 2 outputs", assertThrows(
        DataFormatException.class, () -> CsvReader.readPair(in("1\n2\n"), "v.csv",
            in("1,2\n3\n"), "l.csv", reg)).getMessage());
    assertEquals("l.csv, line 1: 'inf' is not a number", assertThrows(
        DataFormatException.class, () -> CsvReader.readPair(in("1\n"), "v.csv",
            in("inf,2\n"), "l.csv", reg)).getMessage());
    Targets labels = new Targets(Task.MULTILABEL, 3);
    Dataset m = CsvReader.readPair(in("1\n2\n"), "v.csv", in("1,0,1\n0,0,0\n"), "l.csv",
        labels);
    assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0}, m.y());
    assertEquals("l.csv, line 1: label 2 is 0.5, expected 0 or 1", assertThrows(
        DataFormatException.class, () -> CsvReader.readPair(in("1\n"), "v.csv",
            in("1,0.5,0\n"), "l.csv", labels)).getMessage());

    Dataset lr = LibSvmReader.read(in("2.5 1:1\n-0.25 2:1\n".getBytes(StandardCharsets.UTF_8)),
        "r.svm", 0, new Targets(Task.REGRESSION, 1));
    assertArrayEquals(new float[] {2.5f, -0.25f}, lr.y());
    Dataset lm = LibSvmReader.read(in("0,2 1:1\n1:0.5 2:1\n1 2:3\n"
        .getBytes(StandardCharsets.UTF_8)), "m.svm", 0, labels);
    assertEquals(3, lm.rows());
    assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0, 0, 1, 0}, lm.y(), "a row with no labels");
    assertArrayEquals(new float[] {1, 0, 0.5f, 1, 0, 3}, lm.x());
    assertEquals("m.svm, line 1, field 1: label 3 is not in [0, 3)", assertThrows(
        DataFormatException.class, () -> LibSvmReader.read(in("3 1:1\n"
            .getBytes(StandardCharsets.UTF_8)), "m.svm", 0, labels)).getMessage());
    assertEquals("m.svm, line 1, field 1: label 1 is listed twice", assertThrows(
        DataFormatException.class, () -> LibSvmReader.read(in("1,1 1:1\n"
            .getBytes(StandardCharsets.UTF_8)), "m.svm", 0, labels)).getMessage());

    byte[] images = idx(new int[] {2, 1, 2}, new byte[] {1, 2, 3, 4});
    Dataset im = IdxReader.readPair(in(images), "img.idx", in(idx(new int[] {2, 3},
        new byte[] {1, 0, 1, 0, 1, 1})), "lab.idx", labels);
    assertArrayEquals(new float[] {1, 0, 1, 0, 1, 1}, im.y());
    assertEquals("lab.idx, header: the targets need dimensions (N, 3), the file has [2]",
        assertThrows(DataFormatException.class, () -> IdxReader.readPair(in(images), "img.idx",
            in(idx(new int[] {2}, new byte[] {1, 0})), "lab.idx", labels)).getMessage());
    assertEquals("lab.idx, label 1, value 1 (element 3): label 1 is 2, expected 0 or 1",
        assertThrows(DataFormatException.class, () -> IdxReader.readPair(in(images), "img.idx",
            in(idx(new int[] {2, 3}, new byte[] {1, 0, 1, 2, 1, 1})), "lab.idx", labels))
            .getMessage());
  }

  /** Plain decimals read to Float.parseFloat's bits, or NaN where it must decide. */
  @Test
  void plainDecimalsParseToParseFloatsBits() {
    SplittableRandom r = new SplittableRandom(9);
    String[] fixed = {"0", "-0", "+0", "007", " 12 ", "\t255", "999999999", "16777217",
        "-123456789", "+42", "0.1", "-0.125", "3.14159", ".5", "5.", "123.625", "1.00000005",
        "16777217.0", "0.000000000000000001", "340282350000000000000000000000000000000"};
    for (String f : fixed) {
      float v = Decimals.parse(f, 0, f.length());
      if (!Float.isNaN(v)) {
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(f.trim())),
            Float.floatToRawIntBits(v), f);
      }
    }
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Decimals.parse("-0", 0,
        2)));
    int decided = 0;
    for (int k = 0; k < 200_000; k++) {
      long m = r.nextLong(1, r.nextBoolean() ? 1000 : 1L << r.nextInt(1, 60));
      String digits = Long.toString(m);
      int point = r.nextInt(digits.length() + 1);
      String f = (r.nextBoolean() ? "-" : "") + digits.substring(0, point) + "."
          + digits.substring(point);
      float v = Decimals.parse("x," + f + ",y", 2, 2 + f.length());
      if (!Float.isNaN(v)) {
        decided++;
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(f)), Float.floatToRawIntBits(v),
            f);
      }
    }
    assertTrue(decided > 150_000, decided + " of 200000 decided without parseFloat");
    // Float ties: 1 + 2^-24 lies halfway between 1 and the next float; the exact decimal
    // is a double, so it falls back (and parseFloat rounds it to even).
    String tie = new java.math.BigDecimal(1 + 0x1p-24).toPlainString();
    assertTrue(Float.isNaN(Decimals.parse(tie, 0, tie.length())) || Decimals.parse(tie, 0,
        tie.length()) == Float.parseFloat(tie), tie);
    for (String f : new String[] {"", " ", "-", ".", "1.5.2", "1e3", "12a", "0x1", "NaN",
        "--1", "1234567890123456789"}) {
      assertTrue(Float.isNaN(Decimals.parse(f, 0, f.length())), "'" + f + "'");
    }
  }
}
