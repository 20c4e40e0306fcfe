package org.sparkprop.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training loop's and distribution's params of sparkprop's estimators (see
 * {@link SparkpropParams}): epochs, batch, early stopping, seed, synchronisation, exchange,
 * device and checkpoints.
 *
 * @param <T> the estimator, for chaining setters
 */
@SuppressWarnings("unchecked")
public interface RunParams<T extends RunParams<T>> extends Params {
  /** The training params of this stage (internal: the accessors read it). */
  TrainingParams trainingParams();

  /** The param of --epochs (see {@link TrainingParams}). */
  default IntParam epochs() {
    return (IntParam) trainingParams().param("epochs");
  }

  /** The value of {@link #epochs()}. */
  default int getEpochs() {
    return (Integer) $(epochs());
  }

  /** Sets {@link #epochs()}; returns this. */
  default T setEpochs(int value) {
    set(epochs(), value);
    return (T) this;
  }

  /** The param of --batch (see {@link TrainingParams}). */
  default IntParam batch() {
    return (IntParam) trainingParams().param("batch");
  }

  /** The value of {@link #batch()}. */
  default int getBatch() {
    return (Integer) $(batch());
  }

  /** Sets {@link #batch()}; returns this. */
  default T setBatch(int value) {
    set(batch(), value);
    return (T) this;
  }

  /** The param of --full-batch (see {@link TrainingParams}). */
  default BooleanParam fullBatch() {
    return (BooleanParam) trainingParams().param("fullBatch");
  }

  /** The value of {@link #fullBatch()}. */
  default boolean getFullBatch() {
    return (Boolean) $(fullBatch());
  }

  /** Sets {@link #fullBatch()}; returns this. */
  default T setFullBatch(boolean value) {
    set(fullBatch(), value);
    return (T) this;
  }

  /** The param of --patience (see {@link TrainingParams}). */
  default IntParam patience() {
    return (IntParam) trainingParams().param("patience");
  }

  /** The value of {@link #patience()}. */
  default int getPatience() {
    return (Integer) $(patience());
  }

  /** Sets {@link #patience()}; returns this. */
  default T setPatience(int value) {
    set(patience(), value);
    return (T) this;
  }

  /** The param of --seed (see {@link TrainingParams}). */
  default LongParam seed() {
    return (LongParam) trainingParams().param("seed");
  }

  /** The value of {@link #seed()}. */
  default long getSeed() {
    return (Long) $(seed());
  }

  /** Sets {@link #seed()}; returns this. */
  default T setSeed(long value) {
    set(seed(), value);
    return (T) this;
  }

  /** The param of --sync (see {@link TrainingParams}). */
  default Param<String> sync() {
    return (Param<String>) trainingParams().param("sync");
  }

  /** The value of {@link #sync()}. */
  default String getSync() {
    return (String) $(sync());
  }

  /** Sets {@link #sync()}; returns this. */
  default T setSync(String value) {
    set(sync(), value);
    return (T) this;
  }

  /** The param of --average-every (see {@link TrainingParams}). */
  default IntParam averageEvery() {
    return (IntParam) trainingParams().param("averageEvery");
  }

  /** The value of {@link #averageEvery()}. */
  default int getAverageEvery() {
    return (Integer) $(averageEvery());
  }

  /** Sets {@link #averageEvery()}; returns this. */
  default T setAverageEvery(int value) {
    set(averageEvery(), value);
    return (T) this;
  }

  /** The param of --average-optimizer-state (see {@link TrainingParams}). */
  default BooleanParam averageOptimizerState() {
    return (BooleanParam) trainingParams().param("averageOptimizerState");
  }

  /** The value of {@link #averageOptimizerState()}. */
  default boolean getAverageOptimizerState() {
    return (Boolean) $(averageOptimizerState());
  }

  /** Sets {@link #averageOptimizerState()}; returns this. */
  default T setAverageOptimizerState(boolean value) {
    set(averageOptimizerState(), value);
    return (T) this;
  }

  /** The param of --exchange (see {@link TrainingParams}). */
  default Param<String> exchange() {
    return (Param<String>) trainingParams().param("exchange");
  }

  /** The value of {@link #exchange()}. */
  default String getExchange() {
    return (String) $(exchange());
  }

  /** Sets {@link #exchange()}; returns this. */
  default T setExchange(String value) {
    set(exchange(), value);
    return (T) this;
  }

  /** The param of --bucket-kib (see {@link TrainingParams}). */
  default IntParam bucketKib() {
    return (IntParam) trainingParams().param("bucketKib");
  }

  /** The value of {@link #bucketKib()}. */
  default int getBucketKib() {
    return (Integer) $(bucketKib());
  }

  /** Sets {@link #bucketKib()}; returns this. */
  default T setBucketKib(int value) {
    set(bucketKib(), value);
    return (T) this;
  }

  /** The param of --shard-optimizer (see {@link TrainingParams}). */
  default BooleanParam shardOptimizer() {
    return (BooleanParam) trainingParams().param("shardOptimizer");
  }

  /** The value of {@link #shardOptimizer()}. */
  default boolean getShardOptimizer() {
    return (Boolean) $(shardOptimizer());
  }

  /** Sets {@link #shardOptimizer()}; returns this. */
  default T setShardOptimizer(boolean value) {
    set(shardOptimizer(), value);
    return (T) this;
  }

  /** The param of --wire-precision (see {@link TrainingParams}). */
  default Param<String> wirePrecision() {
    return (Param<String>) trainingParams().param("wirePrecision");
  }

  /** The value of {@link #wirePrecision()}. */
  default String getWirePrecision() {
    return (String) $(wirePrecision());
  }

  /** Sets {@link #wirePrecision()}; returns this. */
  default T setWirePrecision(String value) {
    set(wirePrecision(), value);
    return (T) this;
  }

  /** The param of --shared-memory (see {@link TrainingParams}). */
  default BooleanParam sharedMemory() {
    return (BooleanParam) trainingParams().param("sharedMemory");
  }

  /** The value of {@link #sharedMemory()}. */
  default boolean getSharedMemory() {
    return (Boolean) $(sharedMemory());
  }

  /** Sets {@link #sharedMemory()}; returns this. */
  default T setSharedMemory(boolean value) {
    set(sharedMemory(), value);
    return (T) this;
  }

  /** The param of --device (see {@link TrainingParams}). */
  default Param<String> device() {
    return (Param<String>) trainingParams().param("device");
  }

  /** The value of {@link #device()}. */
  default String getDevice() {
    return (String) $(device());
  }

  /** Sets {@link #device()}; returns this. */
  default T setDevice(String value) {
    set(device(), value);
    return (T) this;
  }

  /** The param of --lr-scaling (see {@link TrainingParams}). */
  default Param<String> lrScaling() {
    return (Param<String>) trainingParams().param("lrScaling");
  }

  /** The value of {@link #lrScaling()}. */
  default String getLrScaling() {
    return (String) $(lrScaling());
  }

  /** Sets {@link #lrScaling()}; returns this. */
  default T setLrScaling(String value) {
    set(lrScaling(), value);
    return (T) this;
  }

  /** The param of --checkpoint-dir (see {@link TrainingParams}). */
  default Param<String> checkpointDir() {
    return (Param<String>) trainingParams().param("checkpointDir");
  }

  /** The value of {@link #checkpointDir()}. */
  default String getCheckpointDir() {
    return (String) $(checkpointDir());
  }

  /** Sets {@link #checkpointDir()}; returns this. */
  default T setCheckpointDir(String value) {
    set(checkpointDir(), value);
    return (T) this;
  }

  /** The param of --checkpoint-every (see {@link TrainingParams}). */
  default IntParam checkpointEvery() {
    return (IntParam) trainingParams().param("checkpointEvery");
  }

  /** The value of {@link #checkpointEvery()}. */
  default int getCheckpointEvery() {
    return (Integer) $(checkpointEvery());
  }

  /** Sets {@link #checkpointEvery()}; returns this. */
  default T setCheckpointEvery(int value) {
    set(checkpointEvery(), value);
    return (T) this;
  }

  /** The param of --resume (see {@link TrainingParams}). */
  default Param<String> resume() {
    return (Param<String>) trainingParams().param("resume");
  }

  /** The value of {@link #resume()}. */
  default String getResume() {
    return (String) $(resume());
  }

  /** Sets {@link #resume()}; returns this. */
  default T setResume(String value) {
    set(resume(), value);
    return (T) this;
  }

  /** The param of --max-steps (see {@link TrainingParams}). */
  default LongParam maxSteps() {
    return (LongParam) trainingParams().param("maxSteps");
  }

  /** The value of {@link #maxSteps()}. */
  default long getMaxSteps() {
    return (Long) $(maxSteps());
  }

  /** Sets {@link #maxSteps()}; returns this. */
  default T setMaxSteps(long value) {
    set(maxSteps(), value);
    return (T) this;
  }
}
