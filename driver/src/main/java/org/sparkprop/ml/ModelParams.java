package org.sparkprop.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The network and optimizer params of sparkprop's estimators (see {@link SparkpropParams}):
 * layers, activations, loss, dropout, batch norm, initialisation, the optimizer, its
 * hyper-parameters, the learning-rate schedule and regularisation.
 *
 * @param <T> the estimator, for chaining setters
 */
@SuppressWarnings("unchecked")
public interface ModelParams<T extends ModelParams<T>> extends Params {
  /** The training params of this stage (internal: the accessors read it). */
  TrainingParams trainingParams();

  /** The param of --arch (see {@link TrainingParams}). */
  default IntArrayParam layers() {
    return (IntArrayParam) trainingParams().param("layers");
  }

  /** The value of {@link #layers()}. */
  default int[] getLayers() {
    return (int[]) $(layers());
  }

  /** Sets {@link #layers()}; returns this. */
  default T setLayers(int[] value) {
    set(layers(), value);
    return (T) this;
  }

  /** The param of --activation (see {@link TrainingParams}). */
  default Param<String> activation() {
    return (Param<String>) trainingParams().param("activation");
  }

  /** The value of {@link #activation()}. */
  default String getActivation() {
    return (String) $(activation());
  }

  /** Sets {@link #activation()}; returns this. */
  default T setActivation(String value) {
    set(activation(), value);
    return (T) this;
  }

  /** The param of --loss (see {@link TrainingParams}). */
  default Param<String> loss() {
    return (Param<String>) trainingParams().param("loss");
  }

  /** The value of {@link #loss()}. */
  default String getLoss() {
    return (String) $(loss());
  }

  /** Sets {@link #loss()}; returns this. */
  default T setLoss(String value) {
    set(loss(), value);
    return (T) this;
  }

  /** The param of --output-activation (see {@link TrainingParams}). */
  default Param<String> outputActivation() {
    return (Param<String>) trainingParams().param("outputActivation");
  }

  /** The value of {@link #outputActivation()}. */
  default String getOutputActivation() {
    return (String) $(outputActivation());
  }

  /** Sets {@link #outputActivation()}; returns this. */
  default T setOutputActivation(String value) {
    set(outputActivation(), value);
    return (T) this;
  }

  /** The param of --dropout (see {@link TrainingParams}). */
  default DoubleParam dropout() {
    return (DoubleParam) trainingParams().param("dropout");
  }

  /** The value of {@link #dropout()}. */
  default double getDropout() {
    return (Double) $(dropout());
  }

  /** Sets {@link #dropout()}; returns this. */
  default T setDropout(double value) {
    set(dropout(), value);
    return (T) this;
  }

  /** The param of --batch-norm (see {@link TrainingParams}). */
  default BooleanParam batchNorm() {
    return (BooleanParam) trainingParams().param("batchNorm");
  }

  /** The value of {@link #batchNorm()}. */
  default boolean getBatchNorm() {
    return (Boolean) $(batchNorm());
  }

  /** Sets {@link #batchNorm()}; returns this. */
  default T setBatchNorm(boolean value) {
    set(batchNorm(), value);
    return (T) this;
  }

  /** The param of --init (see {@link TrainingParams}). */
  default Param<String> init() {
    return (Param<String>) trainingParams().param("init");
  }

  /** The value of {@link #init()}. */
  default String getInit() {
    return (String) $(init());
  }

  /** Sets {@link #init()}; returns this. */
  default T setInit(String value) {
    set(init(), value);
    return (T) this;
  }

  /** The param of --optimizer (see {@link TrainingParams}). */
  default Param<String> optimizer() {
    return (Param<String>) trainingParams().param("optimizer");
  }

  /** The value of {@link #optimizer()}. */
  default String getOptimizer() {
    return (String) $(optimizer());
  }

  /** Sets {@link #optimizer()}; returns this. */
  default T setOptimizer(String value) {
    set(optimizer(), value);
    return (T) this;
  }

  /** The param of --lr (see {@link TrainingParams}). */
  default DoubleParam lr() {
    return (DoubleParam) trainingParams().param("lr");
  }

  /** The value of {@link #lr()}. */
  default double getLr() {
    return (Double) $(lr());
  }

  /** Sets {@link #lr()}; returns this. */
  default T setLr(double value) {
    set(lr(), value);
    return (T) this;
  }

  /** The param of --momentum (see {@link TrainingParams}). */
  default DoubleParam momentum() {
    return (DoubleParam) trainingParams().param("momentum");
  }

  /** The value of {@link #momentum()}. */
  default double getMomentum() {
    return (Double) $(momentum());
  }

  /** Sets {@link #momentum()}; returns this. */
  default T setMomentum(double value) {
    set(momentum(), value);
    return (T) this;
  }

  /** The param of --beta1 (see {@link TrainingParams}). */
  default DoubleParam beta1() {
    return (DoubleParam) trainingParams().param("beta1");
  }

  /** The value of {@link #beta1()}. */
  default double getBeta1() {
    return (Double) $(beta1());
  }

  /** Sets {@link #beta1()}; returns this. */
  default T setBeta1(double value) {
    set(beta1(), value);
    return (T) this;
  }

  /** The param of --beta2 (see {@link TrainingParams}). */
  default DoubleParam beta2() {
    return (DoubleParam) trainingParams().param("beta2");
  }

  /** The value of {@link #beta2()}. */
  default double getBeta2() {
    return (Double) $(beta2());
  }

  /** Sets {@link #beta2()}; returns this. */
  default T setBeta2(double value) {
    set(beta2(), value);
    return (T) this;
  }

  /** The param of --eps (see {@link TrainingParams}). */
  default DoubleParam eps() {
    return (DoubleParam) trainingParams().param("eps");
  }

  /** The value of {@link #eps()}. */
  default double getEps() {
    return (Double) $(eps());
  }

  /** Sets {@link #eps()}; returns this. */
  default T setEps(double value) {
    set(eps(), value);
    return (T) this;
  }

  /** The param of --rho (see {@link TrainingParams}). */
  default DoubleParam rho() {
    return (DoubleParam) trainingParams().param("rho");
  }

  /** The value of {@link #rho()}. */
  default double getRho() {
    return (Double) $(rho());
  }

  /** Sets {@link #rho()}; returns this. */
  default T setRho(double value) {
    set(rho(), value);
    return (T) this;
  }

  /** The param of --weight-decay (see {@link TrainingParams}). */
  default DoubleParam weightDecay() {
    return (DoubleParam) trainingParams().param("weightDecay");
  }

  /** The value of {@link #weightDecay()}. */
  default double getWeightDecay() {
    return (Double) $(weightDecay());
  }

  /** Sets {@link #weightDecay()}; returns this. */
  default T setWeightDecay(double value) {
    set(weightDecay(), value);
    return (T) this;
  }

  /** The param of --l2 (see {@link TrainingParams}). */
  default DoubleParam l2() {
    return (DoubleParam) trainingParams().param("l2");
  }

  /** The value of {@link #l2()}. */
  default double getL2() {
    return (Double) $(l2());
  }

  /** Sets {@link #l2()}; returns this. */
  default T setL2(double value) {
    set(l2(), value);
    return (T) this;
  }

  /** The param of --clip-norm (see {@link TrainingParams}). */
  default DoubleParam clipNorm() {
    return (DoubleParam) trainingParams().param("clipNorm");
  }

  /** The value of {@link #clipNorm()}. */
  default double getClipNorm() {
    return (Double) $(clipNorm());
  }

  /** Sets {@link #clipNorm()}; returns this. */
  default T setClipNorm(double value) {
    set(clipNorm(), value);
    return (T) this;
  }

  /** The param of --schedule (see {@link TrainingParams}). */
  default Param<String> schedule() {
    return (Param<String>) trainingParams().param("schedule");
  }

  /** The value of {@link #schedule()}. */
  default String getSchedule() {
    return (String) $(schedule());
  }

  /** Sets {@link #schedule()}; returns this. */
  default T setSchedule(String value) {
    set(schedule(), value);
    return (T) this;
  }

  /** The param of --warmup-epochs (see {@link TrainingParams}). */
  default DoubleParam warmupEpochs() {
    return (DoubleParam) trainingParams().param("warmupEpochs");
  }

  /** The value of {@link #warmupEpochs()}. */
  default double getWarmupEpochs() {
    return (Double) $(warmupEpochs());
  }

  /** Sets {@link #warmupEpochs()}; returns this. */
  default T setWarmupEpochs(double value) {
    set(warmupEpochs(), value);
    return (T) this;
  }

  /** The param of --decay-every-epochs (see {@link TrainingParams}). */
  default DoubleParam decayEveryEpochs() {
    return (DoubleParam) trainingParams().param("decayEveryEpochs");
  }

  /** The value of {@link #decayEveryEpochs()}. */
  default double getDecayEveryEpochs() {
    return (Double) $(decayEveryEpochs());
  }

  /** Sets {@link #decayEveryEpochs()}; returns this. */
  default T setDecayEveryEpochs(double value) {
    set(decayEveryEpochs(), value);
    return (T) this;
  }

  /** The param of --gamma (see {@link TrainingParams}). */
  default DoubleParam gamma() {
    return (DoubleParam) trainingParams().param("gamma");
  }

  /** The value of {@link #gamma()}. */
  default double getGamma() {
    return (Double) $(gamma());
  }

  /** Sets {@link #gamma()}; returns this. */
  default T setGamma(double value) {
    set(gamma(), value);
    return (T) this;
  }
}
