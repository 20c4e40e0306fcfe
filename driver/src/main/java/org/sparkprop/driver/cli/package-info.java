/**
 * The command line, one class per subcommand ({@code TrainCommand}, {@code EvaluateCommand},
 * {@code PredictCommand}, {@code InspectCommand}) built from option groups that are declared
 * once and shared (picocli mixins). Every flag is checked before Spark starts and every
 * message names its flag; a command's {@code call()} reads as its pipeline. The option classes
 * are declarations (an annotated field per flag), so they share one shape by nature; the logic
 * behind a flag is written once, in its group's check.
 */
package org.sparkprop.driver.cli;
