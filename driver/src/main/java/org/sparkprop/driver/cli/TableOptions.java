package org.sparkprop.driver.cli;

import org.sparkprop.driver.data.InputFormat;
import picocli.CommandLine.Option;

/** How input files are read: the format and, for tables, the columns (every command). */
final class TableOptions {
  @Option(names = "--input-format", defaultValue = "auto", description = "auto, idx, "
      + "course-csv, libsvm, parquet (a features array/vector column and a label column), "
      + "csv (a table with a header: the label column and numeric feature columns); tables "
      + "are read on the executors (${DEFAULT-VALUE})")
  InputFormat format;

  @Option(names = "--features-col", defaultValue = "features", description = "the features "
      + "column of a Parquet table (${DEFAULT-VALUE})")
  String featuresCol;

  @Option(names = "--label-col", defaultValue = "label", description = "the label column of a "
      + "table (${DEFAULT-VALUE})")
  String labelCol;

}
