package org.sparkprop.driver;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkprop.driver.data.Block;

/**
 * Kryo for everything Spark serialises (task results, broadcasts, shuffles), with every class
 * we ship registered and registration required, so an unregistered class fails loudly instead
 * of silently writing its full class name into every record.
 */
public final class KryoSetup implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(Block.class);
    kryo.register(org.sparkprop.driver.train.StepSums.class);
    kryo.register(org.sparkprop.driver.train.EvalSums.class);
    kryo.register(float[].class);
    kryo.register(float[][].class);
    kryo.register(double[].class);
    kryo.register(long[].class);
    kryo.register(int[].class);
    kryo.register(Object[].class);
    kryo.register(Long[].class);
    kryo.register(Integer[].class);
    kryo.register(Block[].class);
    kryo.register(org.sparkprop.driver.train.StepSums[].class);
    kryo.register(org.sparkprop.driver.train.EvalSums[].class);
    kryo.register(java.util.ArrayList.class);
  }

  /** Sets the serializer, this registrator and required registration on conf. */
  public static SparkConf configure(SparkConf conf) {
    return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.kryo.registrator", KryoSetup.class.getName())
        .set("spark.kryo.registrationRequired", "true");
  }
}
