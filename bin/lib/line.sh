# Sourced by the scripts in bin/: the Spark line they run on, from $SPARK_LINE.
#   SPARK_LINE=4 (default)  Spark 4 / Scala 2.13, built into driver/target
#   SPARK_LINE=3.5          Spark 3.5 / Scala 2.12, built with -Pspark3.5 into driver/target-spark3.5
# Sets LINE_PROFILE (the Maven flags), BUILD (the driver's build folder), SCALA_LINE, and
# defines line_build (mvn install for the line, quietly, to stderr), line_jar and submit_jar.
SPARK_LINE="${SPARK_LINE:-4}"
case "$SPARK_LINE" in
  4) LINE_PROFILE=(); BUILD="$ROOT/driver/target"; SCALA_LINE=2.13 ;;
  3.5) LINE_PROFILE=(-Pspark3.5); BUILD="$ROOT/driver/target-spark3.5"; SCALA_LINE=2.12 ;;
  *) echo "$(basename "$0"): SPARK_LINE must be 4 or 3.5, not '$SPARK_LINE'" >&2; exit 2 ;;
esac

line_build() { # extra Maven arguments, e.g. test-compile -pl driver
  (cd "$ROOT" && mvn -q -B "${LINE_PROFILE[@]}" -DskipTests "${@:-install}" >&2)
}

# The driver's jar (class path use, with $BUILD/lib/*) and the spark-submit jar.
line_jar() { ls "$BUILD"/sparkprop-driver_spark"$SPARK_LINE"-*.jar 2>/dev/null | grep -v -- "-spark.jar$" | head -1 || true; }
submit_jar() { ls "$BUILD"/sparkprop-driver_spark"$SPARK_LINE"-*-spark.jar 2>/dev/null | head -1 || true; }
