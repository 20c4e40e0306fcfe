package org.sparkprop.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas: what a model's transform gives (the input's columns, then those it adds), and the
 * checks of the stages whose Spark base class does not check them (several outputs), in
 * Spark's own words: the features column's in Spark 3.5's for every stage, as Spark 4 words a
 * missing column differently.
 */
final class Schemas {
  private Schemas() {}

  /** schema, after checking that featuresCol exists and holds vectors. */
  static StructType checkFeatures(StructType schema, String featuresCol) {
    List<String> names = List.of(schema.fieldNames());
    if (!names.contains(featuresCol)) {
      throw new IllegalArgumentException(featuresCol + " does not exist. Available: "
          + String.join(", ", names));
    }
    DataType t = schema.apply(featuresCol).dataType();
    if (!SQLDataTypes.VectorType().equals(t)) {
      throw new IllegalArgumentException("requirement failed: Column " + featuresCol
          + " must be of type vector (" + SQLDataTypes.VectorType().getClass().getName()
          + ") but was actually " + t.catalogString() + ".");
    }
    return schema;
  }

  /** schema with column name added (a vector, or a double); unchanged for an empty name. */
  static StructType add(StructType schema, String name, boolean vector) {
    if (!Scoring.on(name)) {
      return schema;
    }
    if (List.of(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("requirement failed: Column " + name
          + " already exists.");
    }
    return schema.add(new StructField(name, vector ? SQLDataTypes.VectorType()
        : DataTypes.DoubleType, false, Metadata.empty()));
  }

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
