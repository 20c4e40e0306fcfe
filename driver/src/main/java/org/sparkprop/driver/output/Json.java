package org.sparkprop.driver.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Our JSON outputs (metrics.json, evaluate's answer, the benchmarks) through Jackson: indented,
 * map order kept, and NaN or infinite numbers written as null (metrics that do not apply,
 * e.g. accuracy for regression), which strict JSON readers accept.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new SimpleModule("sparkprop-finite")
          .addSerializer(Double.class, new FiniteOrNull())
          .addSerializer(double.class, new FiniteOrNull()));

  private Json() {}

  /** v (maps, lists, strings, numbers, booleans, arrays) as indented JSON and a newline. */
  public static String write(Object v) {
    try {
      return MAPPER.writer(new Printer()).writeValueAsString(v) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not writable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** v on one line (for log lines). */
  public static String line(Object v) {
    try {
      return MAPPER.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not writable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON text s as maps (in order), lists, strings, numbers, booleans and nulls. */
  public static Object read(String s) {
    try {
      return MAPPER.readValue(s, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Two-space indents, {@code "key": value}, arrays on one line. */
  private static final class Printer extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;

    Printer() {
      indentObjectsWith(new DefaultIndenter("  ", "\n"));
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new Printer();
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }
  }

  private static final class FiniteOrNull extends JsonSerializer<Double> {
    @Override
    public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
      if (Double.isFinite(v)) {
        g.writeNumber(v);
      } else {
        g.writeNull();
      }
    }
  }
}
