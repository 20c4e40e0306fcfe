package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.data.Targets;
import scala.collection.Seq;

/**
 * Tables read by Spark SQL from any Hadoop URI: Parquet with a features column (array of
 * numbers, or a Spark ML vector as Spark writes it: struct of type, size, indices, values) and
 * the targets; or CSV with a header, the target columns and every other column a numeric
 * feature. The targets are one numeric label column, several (comma-separated names: one per
 * regression output or label), or, in Parquet, one array or vector column of them. Executors
 * read and pack their partitions into {@link Block}s (contiguous arrays, no object per
 * sample): {@link #blocks} keeps them there (training on data larger than the driver, see
 * {@link TableShards}).
 */
public final class TableSource {
  private TableSource() {}

  /**
   * The table's input partitions, each read and packed into one {@link Block} on an executor
   * (rows in input order; nothing comes to the driver). Malformed rows fail the job with the
   * partition, row and field.
   */
  public static JavaRDD<Block> blocks(JavaSparkContext sc, String uri, InputFormat format,
      String featuresCol, String labelCol, Targets targets) {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    Dataset<Row> df;
    String name = Fs.redact(uri);
    try {
      df = switch (format) {
        case PARQUET -> spark.read().parquet(uri);
        case CSV -> spark.read().option("header", "true").option("inferSchema", "true")
            .csv(uri);
        default -> throw new IllegalArgumentException("unknown table format '" + format + "'");
      };
    } catch (Exception e) {
      // Scala throws the checked AnalysisException (path does not exist, bad schema) undeclared.
      if (e instanceof AnalysisException a) {
        throw new IllegalArgumentException(name + ": " + a.getSimpleMessage());
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    return blocks(df, name, format == InputFormat.PARQUET, featuresCol, labelCol, targets);
  }

  /**
   * As above, for a DataFrame named name in messages: its features one vector or array
   * column, featuresCol (vectorColumn), or every column but the targets' (each a number).
   */
  public static JavaRDD<Block> blocks(Dataset<Row> df, String name, boolean vectorColumn,
      String featuresCol, String labelCol, Targets targets) {
    StructType schema = df.schema();
    boolean needLabel = targets != null;
    // Unlabelled (prediction input): the label columns, where present, are still not features.
    List<String> labelCols = List.of(labelCol.split(",", -1));
    int tw = needLabel ? targets.perRow() : 1;
    boolean labelVector = false;
    for (String c : needLabel ? labelCols : List.<String>of()) {
      if (!List.of(schema.fieldNames()).contains(c)) {
        throw new IllegalArgumentException(name + ": no label column '" + c + "' (columns: "
            + String.join(", ", schema.fieldNames()) + ")");
      }
      DataType t = schema.apply(c).dataType();
      labelVector = t instanceof ArrayType || t instanceof StructType
          || SQLDataTypes.VectorType().equals(t);
      if (labelVector && labelCols.size() > 1) {
        throw new IllegalArgumentException(name + ": label column '" + c + "' is "
            + t.simpleString() + "; several label columns must each be a number");
      }
    }
    if (needLabel && !labelVector && labelCols.size() != tw) {
      throw new IllegalArgumentException(name + ": --label-col names " + labelCols.size()
          + (labelCols.size() == 1 ? " column" : " columns") + ", the network takes " + tw
          + " targets per row (one column each, or one array or vector column)");
    }
    List<String> featureCols = new ArrayList<>();
    if (vectorColumn) {
      if (!List.of(schema.fieldNames()).contains(featuresCol)) {
        throw new IllegalArgumentException(name + ": no features column '" + featuresCol
            + "' (columns: " + String.join(", ", schema.fieldNames()) + ")");
      }
      DataType t = schema.apply(featuresCol).dataType();
      if (!(t instanceof ArrayType a && a.elementType() instanceof NumericType)
          && !(t instanceof StructType s && List.of(s.fieldNames()).contains("values"))
          && !SQLDataTypes.VectorType().equals(t)) {
        throw new IllegalArgumentException(name + ": features column '" + featuresCol
            + "' is " + t.simpleString() + ", expected an array of numbers or a vector");
      }
      featureCols.add(featuresCol);
    } else {
      for (StructField f : schema.fields()) {
        if (labelCols.contains(f.name())) {
          continue;
        }
        if (!(f.dataType() instanceof NumericType)) {
          throw new IllegalArgumentException(name + ": column '" + f.name() + "' is "
              + f.dataType().simpleString() + ", expected a number (every column but the "
              + "label is a feature)");
        }
        featureCols.add(f.name());
      }
    }
    List<Column> cols = new ArrayList<>();
    for (String c : featureCols) {
      cols.add(df.col(c));
    }
    if (needLabel) {
      for (String c : labelCols) {
        cols.add(df.col(c));
      }
    } else {
      cols.add(org.apache.spark.sql.functions.lit(0));
    }
    Dataset<Row> sel = df.select(cols.toArray(new Column[0]));
    int nFeat = featureCols.size();
    boolean vec = vectorColumn;
    boolean lv = labelVector;
    return sel.javaRDD().mapPartitionsWithIndex((part, it) -> {
      long[] base = {0};
      return Block.chunks(it, () -> {
        Block b = pack(it, vec, nFeat, targets, lv, name, part, base[0]);
        base[0] += b.rows();
        return b;
      });
    }, true);
  }

  /**
   * The partition's next rows (row base on in it) as one block of at most
   * {@link Block#MAX_VALUES} features, or all that are left.
   */
  private static Block pack(Iterator<Row> it, boolean vector, int nFeat, Targets targets,
      boolean labelVector, String name, int part, long base) {
    int tw = targets == null ? 1 : targets.perRow();
    float[] x = new float[1 << 12];
    float[] y = new float[64 * tw];
    int rows = 0;
    int width = vector ? -1 : nFeat;
    while (it.hasNext() && (width <= 0 || (rows + 1) * (long) width <= Block.MAX_VALUES
        || rows == 0)) {
      Row r = it.next();
      Object o = vector ? r.get(0) : null;
      Vector mv = o instanceof Vector m ? m : null;
      float[] v = vector && mv == null ? vectorValues(o, name, part, base + rows) : null;
      if (vector) {
        int n = mv != null ? mv.size() : v.length;
        if (width < 0) {
          width = n;
        } else if (n != width) {
          throw new IllegalArgumentException(name + ": partition " + part + ", row " + (base + rows)
              + ": " + n + " features, earlier rows have " + width);
        }
      }
      while ((rows + 1) * (long) width > x.length) {
        x = Arrays.copyOf(x, x.length * 2);
      }
      if (mv != null) {
        copy(mv, x, rows * width);
      }
      for (int f = 0; f < width; f++) {
        float val = mv != null ? x[rows * width + f] : vector ? v[f]
            : number(r, f, name, part, base + rows);
        if (!Float.isFinite(val)) {
          throw new IllegalArgumentException(name + ": partition " + part + ", row " + (base + rows)
              + ", feature " + f + ": " + val + " is not finite");
        }
        x[rows * width + f] = val;
      }
      if ((rows + 1) * tw > y.length) {
        y = Arrays.copyOf(y, y.length * 2);
      }
      int first = vector ? 1 : nFeat;
      float[] lv = labelVector ? vectorValues(r.get(first), name, part, base + rows) : null;
      if (lv != null && lv.length != tw) {
        throw new IllegalArgumentException(name + ": partition " + part + ", row " + (base + rows)
            + ": " + lv.length + " targets, the network takes " + tw);
      }
      for (int j = 0; j < tw; j++) {
        float t = lv != null ? lv[j] : number(r, first + j, name, part, base + rows);
        String bad = targets == null ? null : targets.problem(t, j);
        if (bad != null) {
          throw new IllegalArgumentException(name + ": partition " + part + ", row " + (base + rows)
              + ": " + bad);
        }
        y[rows * tw + j] = t;
      }
      rows++;
    }
    int w = Math.max(width, 1);
    return Block.packed(Arrays.copyOf(x, rows * w), Arrays.copyOf(y, rows * tw),
        rows, w, tw);
  }

  /** A Spark ML vector's values into x from off (dense or sparse; no copy of the vector). */
  public static void copy(Vector v, float[] x, int off) {
    if (v instanceof DenseVector d) {
      double[] vals = d.values();
      for (int i = 0; i < vals.length; i++) {
        x[off + i] = (float) vals[i];
      }
    } else {
      SparseVector sv = (SparseVector) v;
      Arrays.fill(x, off, off + sv.size(), 0f);
      int[] idx = sv.indices();
      double[] vals = sv.values();
      for (int i = 0; i < idx.length; i++) {
        x[off + idx[i]] = (float) vals[i];
      }
    }
  }

  private static float number(Row r, int i, String name, int part, long row) {
    Object o = r.get(i);
    if (!(o instanceof Number n)) {
      throw new IllegalArgumentException(name + ": partition " + part + ", row " + row
          + ", column " + (i + 1) + ": " + (o == null ? "missing value" : "'" + o + "'")
          + " is not a number");
    }
    return n.floatValue();
  }

  /**
   * An array of numbers, a Spark ML vector, or a vector's struct as Parquet holds it (type 0
   * sparse, 1 dense).
   */
  private static float[] vectorValues(Object o, String name, int part, long row) {
    if (o instanceof Vector mv) {
      float[] v = new float[mv.size()];
      copy(mv, v, 0);
      return v;
    }
    if (o instanceof Seq<?> seq) {
      float[] v = new float[seq.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = ((Number) seq.apply(i)).floatValue();
      }
      return v;
    }
    if (o instanceof Row s) {
      int type = ((Number) s.getAs("type")).intValue();
      List<Object> values = s.getList(s.fieldIndex("values"));
      if (type == 1) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = ((Number) values.get(i)).floatValue();
        }
        return v;
      }
      float[] v = new float[((Number) s.getAs("size")).intValue()];
      List<Object> idx = s.getList(s.fieldIndex("indices"));
      for (int i = 0; i < idx.size(); i++) {
        v[((Number) idx.get(i)).intValue()] = ((Number) values.get(i)).floatValue();
      }
      return v;
    }
    throw new IllegalArgumentException(name + ": partition " + part + ", row " + row
        + ": features value is " + (o == null ? "missing" : o.getClass().getSimpleName()));
  }
}
