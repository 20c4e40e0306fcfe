/**
 * The optimizers (SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW), each one step over
 * the flat parameter and gradient arrays with its state in arrays of the same layout, and the
 * learning-rate schedules.
 */
package org.sparkprop.trainer.optim;
