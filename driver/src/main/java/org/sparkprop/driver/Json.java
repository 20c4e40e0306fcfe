package org.sparkprop.driver;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A minimal JSON writer for our own outputs (maps, lists, strings, numbers, booleans). */
public final class Json {
  private Json() {}

  public static String write(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, 0);
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object v, int indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      b.append('"');
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"': b.append("\\\""); break;
          case '\\': b.append("\\\\"); break;
          case '\n': b.append("\\n"); break;
          case '\t': b.append("\\t"); break;
          default:
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
        }
      }
      b.append('"');
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      b.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      b.append("{");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
        write(b, String.valueOf(e.getKey()), 0);
        b.append(": ");
        write(b, e.getValue(), indent + 1);
      }
      b.append(m.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append("}");
    } else if (v instanceof List<?> l) {
      b.append("[");
      for (int i = 0; i < l.size(); i++) {
        b.append(i == 0 ? "" : ", ");
        write(b, l.get(i), indent + 1);
      }
      b.append("]");
    } else if (v instanceof double[] a) {
      b.append("[");
      for (int i = 0; i < a.length; i++) {
        b.append(i == 0 ? "" : ", ");
        write(b, a[i], indent);
      }
      b.append("]");
    } else {
      write(b, v.toString(), indent);
    }
  }
}
