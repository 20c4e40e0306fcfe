/**
 * Rosenblatt's perceptron with the step activation, as the lecture notes introduce it
 * before gradient-trained networks.
 */
package org.sparkprop.trainer.perceptron;
