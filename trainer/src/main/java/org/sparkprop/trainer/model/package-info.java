/**
 * A network as a whole: its architecture ({@link org.sparkprop.trainer.model.MlpSpec}), the
 * CPU model ({@link org.sparkprop.trainer.model.Mlp}) with one flat parameter array, its
 * {@link org.sparkprop.trainer.model.Weights}, and the choice of engine and device.
 */
package org.sparkprop.trainer.model;
