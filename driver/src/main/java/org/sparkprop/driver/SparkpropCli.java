package org.sparkprop.driver;

import org.sparkprop.driver.cli.EvaluateCommand;
import org.sparkprop.driver.cli.InspectCommand;
import org.sparkprop.driver.cli.PerceptronCommand;
import org.sparkprop.driver.cli.PredictCommand;
import org.sparkprop.driver.cli.TrainCommand;
import org.sparkprop.driver.data.Caching;
import org.sparkprop.driver.data.InputFormat;
import org.sparkprop.driver.data.Storage;
import org.sparkprop.driver.exchange.Exchange;
import org.sparkprop.driver.exchange.WirePrecision;
import org.sparkprop.driver.spark.SparkLine;
import org.sparkprop.driver.train.LrScaling;
import org.sparkprop.driver.train.Sync;
import org.sparkprop.trainer.data.DataFormatException;
import org.sparkprop.trainer.data.Scaling;
import org.sparkprop.trainer.model.Device;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code sparkprop} command line: train, evaluate, predict, all on Spark (embedded
 * local[*] by default, or the master spark-submit gives), and inspect (a saved model, without
 * Spark). Also a library entry point:
 * {@link #run(String...)} returns the exit code. Exit codes: 0 ok, 1 runtime failure (bad
 * data, divergence, a failed Spark job), 2 bad usage. Errors are one line on stderr, starting
 * "sparkprop: error: ".
 */
@Command(name = "sparkprop", mixinStandardHelpOptions = true,
    versionProvider = SparkpropCli.Version.class,
    description = "Train, evaluate and apply feed-forward neural networks.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
        InspectCommand.class, PerceptronCommand.class})
public final class SparkpropCli implements Runnable {
  private static final String ERROR = "sparkprop: error: ";

  /** --version: sparkprop's version, the Spark line it is built for, what it runs on. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {SparkLine.describe()};
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests and library callers). */
  public static int run(String... args) {
    CommandLine cl = configure(new CommandLine(new SparkpropCli()));
    cl.setParameterExceptionHandler(SparkpropCli::usageError);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      DataFormatException bad = dataError(ex);
      if (bad != null) {
        // Malformed input found by an executor: Spark wraps it in its job failure.
        cmd.getErr().println(ERROR + bad.getMessage());
        return 1;
      }
      cmd.getErr().println(ERROR + Errors.withMemoryAdvice(ex.getMessage()));
      return ex instanceof IllegalArgumentException ? 2 : 1;
    });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // The command's resources (its Spark context) were released as the error unwound.
      cl.getErr().println(ERROR + Errors.driverOutOfMemory(Runtime.getRuntime().maxMemory()));
      return 1;
    }
  }

  /**
   * cl with the command line's parsing rules: a later flag overrides an earlier one (so flags
   * after @run.conf override the file), and enum flags read by their spelling in any case.
   */
  public static CommandLine configure(CommandLine cl) {
    cl.setOverwrittenOptionsAllowed(true);
    register(cl, Sync.class);
    register(cl, Exchange.class);
    register(cl, WirePrecision.class);
    register(cl, Device.class);
    register(cl, LrScaling.class);
    register(cl, Scaling.class);
    register(cl, InputFormat.class);
    register(cl, Caching.class);
    register(cl, Storage.class);
    register(cl, PredictCommand.Format.class);
    return cl;
  }

  /** The malformed-input error in t's cause chain, or null. */
  private static DataFormatException dataError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof DataFormatException d) {
        return d;
      }
    }
    return null;
  }

  private static int usageError(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr().println(ERROR + ex.getMessage());
    cmd.getErr().println("(see: " + cmd.getCommandSpec().qualifiedName() + " --help)");
    return 2;
  }

  /** Reads enum flags by their command-line spelling (each enum's toString), any case. */
  private static <E extends Enum<E>> void register(CommandLine cl, Class<E> type) {
    ITypeConverter<E> byName = s -> {
      for (E e : type.getEnumConstants()) {
        if (e.toString().equalsIgnoreCase(s.trim())) {
          return e;
        }
      }
      StringBuilder names = new StringBuilder();
      for (E e : type.getEnumConstants()) {
        names.append(names.length() == 0 ? "" : ", ").append(e);
      }
      throw new TypeConversionException("expected one of " + names + ", got '" + s + "'");
    };
    cl.registerConverter(type, byName);
  }
}
