package org.sparkprop.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkprop.driver.cli.TrainSettings;
import picocli.CommandLine.Model.OptionSpec;
import scala.runtime.AbstractFunction1;

/**
 * The training params of one sparkprop stage, built from {@code sparkprop train}'s flags: each
 * param's name is its flag's in camelCase ({@code --arch} is {@code layers}), its doc the
 * flag's description, its default the flag's, and a value set is checked as the command line
 * checks that flag on its own. {@link #flags} turns the params a user set back into flags, so
 * estimators train through the command line's own settings ({@link TrainSettings}).
 *
 * <p>Internal to the estimators; its accessors are {@link SparkpropParams}'.
 */
public final class TrainingParams implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A param's value type. */
  enum Kind { INT, LONG, DOUBLE, BOOLEAN, STRING, INT_ARRAY }

  /** A param: its name, the flag it stands for, its type. */
  record Def(String name, String flag, Kind kind) implements Serializable {}

  /** Every training param, in the command line's help order. */
  static final List<Def> DEFS = List.of(
      new Def("layers", "--arch", Kind.INT_ARRAY),
      new Def("activation", "--activation", Kind.STRING),
      new Def("loss", "--loss", Kind.STRING),
      new Def("outputActivation", "--output-activation", Kind.STRING),
      new Def("dropout", "--dropout", Kind.DOUBLE),
      new Def("batchNorm", "--batch-norm", Kind.BOOLEAN),
      new Def("init", "--init", Kind.STRING),
      new Def("optimizer", "--optimizer", Kind.STRING),
      new Def("lr", "--lr", Kind.DOUBLE),
      new Def("momentum", "--momentum", Kind.DOUBLE),
      new Def("beta1", "--beta1", Kind.DOUBLE),
      new Def("beta2", "--beta2", Kind.DOUBLE),
      new Def("eps", "--eps", Kind.DOUBLE),
      new Def("rho", "--rho", Kind.DOUBLE),
      new Def("weightDecay", "--weight-decay", Kind.DOUBLE),
      new Def("l2", "--l2", Kind.DOUBLE),
      new Def("clipNorm", "--clip-norm", Kind.DOUBLE),
      new Def("schedule", "--schedule", Kind.STRING),
      new Def("warmupEpochs", "--warmup-epochs", Kind.DOUBLE),
      new Def("decayEveryEpochs", "--decay-every-epochs", Kind.DOUBLE),
      new Def("gamma", "--gamma", Kind.DOUBLE),
      new Def("epochs", "--epochs", Kind.INT),
      new Def("batch", "--batch", Kind.INT),
      new Def("fullBatch", "--full-batch", Kind.BOOLEAN),
      new Def("patience", "--patience", Kind.INT),
      new Def("valFraction", "--val-fraction", Kind.DOUBLE),
      new Def("scaling", "--scaling", Kind.STRING),
      new Def("seed", "--seed", Kind.LONG),
      new Def("sync", "--sync", Kind.STRING),
      new Def("averageEvery", "--average-every", Kind.INT),
      new Def("averageOptimizerState", "--average-optimizer-state", Kind.BOOLEAN),
      new Def("exchange", "--exchange", Kind.STRING),
      new Def("bucketKib", "--bucket-kib", Kind.INT),
      new Def("shardOptimizer", "--shard-optimizer", Kind.BOOLEAN),
      new Def("wirePrecision", "--wire-precision", Kind.STRING),
      new Def("sharedMemory", "--shared-memory", Kind.BOOLEAN),
      new Def("device", "--device", Kind.STRING),
      new Def("lrScaling", "--lr-scaling", Kind.STRING),
      new Def("checkpointDir", "--checkpoint-dir", Kind.STRING),
      new Def("checkpointEvery", "--checkpoint-every", Kind.INT),
      new Def("resume", "--resume", Kind.STRING),
      new Def("maxSteps", "--max-steps", Kind.LONG),
      new Def("partitions", "--partitions", Kind.INT),
      new Def("cache", "--cache", Kind.STRING),
      new Def("shardStorage", "--shard-storage", Kind.STRING));

  private static final Map<String, String> PARAM_OF_FLAG = new LinkedHashMap<>();

  static {
    for (Def d : DEFS) {
      PARAM_OF_FLAG.put(d.flag(), d.name());
    }
  }

  private final Map<String, Param<?>> params = new LinkedHashMap<>();
  private final Map<String, Def> defs = new LinkedHashMap<>();

  /** The params of owner, defaults set on it (train's --task fixed to task). */
  TrainingParams(Params owner, String task) {
    Map<String, OptionSpec> options = TrainSettings.flags();
    for (Def d : DEFS) {
      OptionSpec o = options.get(d.flag());
      if (o == null) {
        throw new IllegalStateException("train has no flag " + d.flag());
      }
      String dflt = o.defaultValue() == null ? (d.kind() == Kind.BOOLEAN ? "false" : "")
          : o.defaultValue();
      String doc = String.join(" ", o.description()).replace("${DEFAULT-VALUE}", dflt)
          + " [" + d.flag() + "]";
      String uid = owner.uid();
      Param<?> p = switch (d.kind()) {
        case INT -> new IntParam(uid, d.name(), doc, new Check<>(uid, d, task));
        case LONG -> new LongParam(uid, d.name(), doc, new Check<>(uid, d, task));
        case DOUBLE -> new DoubleParam(uid, d.name(), doc, new Check<>(uid, d, task));
        case BOOLEAN -> new BooleanParam(uid, d.name(), doc);
        case STRING -> new Param<String>(uid, d.name(), doc, new Check<String>(uid, d, task));
        case INT_ARRAY -> new IntArrayParam(owner, d.name(), doc, new Check<int[]>(uid, d,
            task));
      };
      params.put(d.name(), p);
      defs.put(d.name(), d);
      setDefault(owner, p, d.kind(), dflt);
    }
  }

  @SuppressWarnings("unchecked")
  private static void setDefault(Params owner, Param<?> p, Kind kind, String v) {
    Object value = switch (kind) {
      case INT -> Integer.valueOf(v);
      case LONG -> Long.valueOf(v);
      case DOUBLE -> Double.valueOf(v);
      case BOOLEAN -> Boolean.valueOf(v);
      case STRING -> v;
      case INT_ARRAY -> sizes(v);
    };
    owner.setDefault((Param<Object>) p, value);
  }

  private static int[] sizes(String arch) {
    String[] parts = arch.split("-");
    int[] s = new int[parts.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = Integer.parseInt(parts[i].trim());
    }
    return s;
  }

  /** The param named name. */
  Param<?> param(String name) {
    Param<?> p = params.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no training param " + name);
    }
    return p;
  }

  /** The flags for owner's params that were set (the others keep train's defaults). */
  List<String> flags(Params owner) {
    List<String> flags = new ArrayList<>();
    for (Map.Entry<String, Param<?>> e : params.entrySet()) {
      if (owner.isSet(e.getValue())) {
        flags.addAll(flag(defs.get(e.getKey()), owner.getOrDefault(e.getValue())));
      }
    }
    return flags;
  }

  /** The flag (and its value) that sets d to value: nothing for an empty text. */
  static List<String> flag(Def d, Object value) {
    return switch (d.kind()) {
      case BOOLEAN -> (Boolean) value ? List.of(d.flag())
          : d.flag().equals("--full-batch") ? List.of() : List.of("--no-" + d.flag().substring(2));
      case INT_ARRAY -> List.of(d.flag(), join((int[]) value));
      case STRING -> ((String) value).isEmpty() ? List.of() : List.of(d.flag(), (String) value);
      default -> List.of(d.flag(), String.valueOf(value));
    };
  }

  private static String join(int[] sizes) {
    StringBuilder b = new StringBuilder();
    for (int s : sizes) {
      b.append(b.length() == 0 ? "" : "-").append(s);
    }
    return b.toString();
  }

  private static final Pattern FLAG = Pattern.compile("--(no-)?([a-z][a-z0-9-]*)");

  /** A command-line message in params' words: each train flag replaced by its param name. */
  static String rename(String message) {
    Matcher m = FLAG.matcher(message);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String name = PARAM_OF_FLAG.get("--" + m.group(2));
      String word = name == null ? m.group() : m.group(1) == null ? name : name + " = false";
      m.appendReplacement(b, Matcher.quoteReplacement(word));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** A param's check when set: its value on its own, as train checks its flag. */
  private static final class Check<T> extends AbstractFunction1<T, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Def def;
    private final String task;

    Check(String uid, Def def, String task) {
      this.uid = uid;
      this.def = def;
      this.task = task;
    }

    @Override
    public Object apply(T value) {
      List<String> args = new ArrayList<>(List.of("--task", task));
      args.addAll(flag(def, value));
      try {
        TrainSettings.checkValue(args, def.flag());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(uid + " parameter " + def.name()
            + " given invalid value " + (value instanceof int[] a ? join(a) : value) + ": "
            + rename(e.getMessage()), e);
      }
      return Boolean.TRUE;
    }
  }
}
