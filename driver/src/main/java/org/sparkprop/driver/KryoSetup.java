package org.sparkprop.driver;

import com.esotericsoftware.kryo.Kryo;
import java.lang.reflect.Array;
import java.util.ArrayList;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.TableShards;
import org.sparkprop.driver.eval.EvalSums;
import org.sparkprop.driver.exchange.StepSums;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.train.TaskMetrics;

/**
 * Kryo for everything Spark serialises (task results, broadcasts, shuffles), with every class
 * we ship registered and registration required, so an unregistered class fails loudly instead
 * of silently writing its full class name into every record.
 */
public final class KryoSetup implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(Block.class);
    kryo.register(Weights.class);
    kryo.register(TableShards.ShardPiece.class);
    kryo.register(StepSums.class);
    kryo.register(EvalSums.class);
    kryo.register(TaskMetrics.class);
    kryo.register(Task.class);
    kryo.register(float[].class);
    kryo.register(byte[].class);
    kryo.register(float[][].class);
    kryo.register(double[].class);
    kryo.register(long[].class);
    kryo.register(int[].class);
    kryo.register(Object[].class);
    kryo.register(Long[].class);
    kryo.register(Integer[].class);
    kryo.register(Block[].class);
    kryo.register(StepSums[].class);
    kryo.register(EvalSums[].class);
    kryo.register(ArrayList.class);
    // Spark SQL, for reading Parquet/CSV tables (schema inference and scans ship these).
    for (String c : SQL_CLASSES) {
      try {
        kryo.register(c.endsWith("[]")
            ? Array.newInstance(Class.forName(c.substring(0, c.length() - 2)),
                0).getClass()
            : Class.forName(c));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Kryo registration: " + c + " not on the class path", e);
      }
    }
  }

  private static final String[] SQL_CLASSES = {
    "org.apache.spark.sql.types.NullType$",
    "org.apache.spark.sql.types.DataType[]",
    "org.apache.spark.sql.types.ArrayType",
    // Element types of feature and probability columns (array<float>, array<double>, ...).
    "org.apache.spark.sql.types.FloatType$",
    "org.apache.spark.sql.types.DoubleType$",
    "org.apache.spark.sql.types.IntegerType$",
    "org.apache.spark.sql.types.LongType$",
    "org.apache.spark.sql.types.ShortType$",
    "org.apache.spark.sql.types.ByteType$",
    "org.apache.spark.sql.types.StringType$",
    "org.apache.spark.sql.types.BooleanType$",
    // Spark ML's vector columns and what its stages around ours (assemblers, scalers,
    // evaluators) ship.
    "org.apache.spark.ml.linalg.VectorUDT",
    "org.apache.spark.ml.linalg.DenseVector",
    "org.apache.spark.ml.linalg.SparseVector",
    "org.apache.spark.sql.types.Metadata[]",
    "org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema",
  };

  /** Sets the serializer, this registrator and required registration on conf. */
  public static SparkConf configure(SparkConf conf) {
    return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.kryo.registrator", KryoSetup.class.getName())
        .set("spark.kryo.registrationRequired", "true");
  }
}
