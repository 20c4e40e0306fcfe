package org.sparkprop.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * How sparkprop's estimators prepare and keep the data (see {@link SparkpropParams}): the
 * validation split, scaling, partitions (workers), and how the shards are cached and hold
 * their features.
 *
 * @param <T> the estimator, for chaining setters
 */
@SuppressWarnings("unchecked")
public interface DataParams<T extends DataParams<T>> extends Params {
  /** The training params of this stage (internal: the accessors read it). */
  TrainingParams trainingParams();

  /** The param of --val-fraction (see {@link TrainingParams}). */
  default DoubleParam valFraction() {
    return (DoubleParam) trainingParams().param("valFraction");
  }

  /** The value of {@link #valFraction()}. */
  default double getValFraction() {
    return (Double) $(valFraction());
  }

  /** Sets {@link #valFraction()}; returns this. */
  default T setValFraction(double value) {
    set(valFraction(), value);
    return (T) this;
  }

  /** The param of --scaling (see {@link TrainingParams}). */
  default Param<String> scaling() {
    return (Param<String>) trainingParams().param("scaling");
  }

  /** The value of {@link #scaling()}. */
  default String getScaling() {
    return (String) $(scaling());
  }

  /** Sets {@link #scaling()}; returns this. */
  default T setScaling(String value) {
    set(scaling(), value);
    return (T) this;
  }

  /** The param of --partitions (see {@link TrainingParams}). */
  default IntParam partitions() {
    return (IntParam) trainingParams().param("partitions");
  }

  /** The value of {@link #partitions()}. */
  default int getPartitions() {
    return (Integer) $(partitions());
  }

  /** Sets {@link #partitions()}; returns this. */
  default T setPartitions(int value) {
    set(partitions(), value);
    return (T) this;
  }

  /** The param of --cache (see {@link TrainingParams}). */
  default Param<String> cache() {
    return (Param<String>) trainingParams().param("cache");
  }

  /** The value of {@link #cache()}. */
  default String getCache() {
    return (String) $(cache());
  }

  /** Sets {@link #cache()}; returns this. */
  default T setCache(String value) {
    set(cache(), value);
    return (T) this;
  }

  /** The param of --shard-storage (see {@link TrainingParams}). */
  default Param<String> shardStorage() {
    return (Param<String>) trainingParams().param("shardStorage");
  }

  /** The value of {@link #shardStorage()}. */
  default String getShardStorage() {
    return (String) $(shardStorage());
  }

  /** Sets {@link #shardStorage()}; returns this. */
  default T setShardStorage(String value) {
    set(shardStorage(), value);
    return (T) this;
  }
}
