/**
 * The command line, one class per subcommand ({@code TrainCommand}, {@code EvaluateCommand},
 * {@code PredictCommand}) built from option groups that are declared once and shared
 * (picocli mixins). Every flag is checked before Spark starts and every message names its
 * flag; a command's {@code call()} reads as its pipeline.
 */
package org.sparkprop.driver.cli;
