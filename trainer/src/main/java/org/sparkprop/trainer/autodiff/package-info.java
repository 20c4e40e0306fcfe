/** Reverse-mode automatic differentiation on a scalar tape: a reference for backward passes. */
package org.sparkprop.trainer.autodiff;
