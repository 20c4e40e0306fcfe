package org.sparkprop.ml;

/**
 * The training params of sparkprop's estimators: one per {@code sparkprop train} flag, named
 * as the flag in camelCase ({@code --weight-decay} is {@code weightDecay}, {@code --lr} is
 * {@code lr}; {@code --arch} is {@code layers}, an int array as in Spark's
 * MultilayerPerceptronClassifier), with the flag's default and its description as the param's
 * doc ({@code explainParams()} prints them). A value is checked on its own when set (its type,
 * range or name: Spark's "parameter ... given invalid value" error, with the reason); how values
 * combine is checked when fitting starts, before any data is read, as train checks its flags.
 *
 * <p>Defaults are the command line's, including {@code scaling = scale255} (features divided
 * by 255, for pixels): after a Spark scaler, set {@code scaling} to {@code none}.
 *
 * @param <T> the estimator, for chaining setters
 */
public interface SparkpropParams<T extends SparkpropParams<T>> extends ModelParams<T>,
    RunParams<T>, DataParams<T> {}
