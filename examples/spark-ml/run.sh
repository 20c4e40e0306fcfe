#!/usr/bin/env bash
# sparkprop from a Spark ML program (FashionMnistPipeline.java, compiled here on each run):
# Fashion-MNIST as Parquet, a Pipeline with SparkpropClassifier, evaluation, save and reload.
# Usage: examples/spark-ml/run.sh [OUT] (default out/spark-ml). Needs the installed data
# (scripts/setup.sh); builds the project first when needed, as bin/sparkprop does.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/bin/sparkprop" --version >/dev/null
. "$ROOT/bin/lib/line.sh"
JAR=$(line_jar)
CP="$JAR:$BUILD/lib/*"
# Compiled to a folder, not run as a source file: Spark's executors load the program's classes
# (its UDF) by name, which a source-file launch keeps in memory.
CLASSES="$ROOT/examples/spark-ml/target/classes-spark$SPARK_LINE"
mkdir -p "$CLASSES"
javac -d "$CLASSES" -cp "$CP" "$ROOT/examples/spark-ml/FashionMnistPipeline.java"
exec java -XX:+UseParallelGC @"$BUILD/jvm.args" ${SPARKPROP_JAVA_OPTS:--Xmx8g} \
  -Dlog4j2.configurationFile="$ROOT/cluster-configs/log4j2.properties" \
  -cp "$CLASSES:$CP" FashionMnistPipeline "$@" \
  2> >(grep -v "^WARNING: Using incubator modules" >&2)
