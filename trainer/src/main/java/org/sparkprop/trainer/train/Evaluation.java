package org.sparkprop.trainer.train;

/** Mean loss and accuracy of a model on a dataset (accuracy NaN for regression). */
public record Evaluation(double loss, double accuracy, long rows) {}
