package org.sparkprop.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The schema a model's transform gives: the input's columns, then those it adds. */
final class Columns {
  private Columns() {}

  /**
   * in's fields followed by the added columns (raw, probability, prediction, those that are
   * on), each as withAdded (Spark's transformSchema) describes it, metadata included.
   */
  static StructType added(StructType in, StructType withAdded, Scoring.Columns cols) {
    List<StructField> fields = new ArrayList<>(List.of(in.fields()));
    for (String c : new String[] {cols.raw(), cols.probability(), cols.prediction()}) {
      if (Scoring.on(c)) {
        fields.add(withAdded.apply(c));
      }
    }
    return new StructType(fields.toArray(new StructField[0]));
  }
}
