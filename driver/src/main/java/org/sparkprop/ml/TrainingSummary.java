package org.sparkprop.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.driver.cli.TrainSettings;
import org.sparkprop.driver.data.TrainingData;
import org.sparkprop.driver.output.Json;
import org.sparkprop.driver.output.Metrics;
import org.sparkprop.driver.train.TrainResult;

/**
 * How a model was trained, as {@code metrics.json} has it: the resolved configuration, one
 * row per epoch (training and validation loss and accuracy, the task's measures, learning
 * rate, seconds, samples per second, gradient norm), where the time went (compute,
 * communication, optimizer update, evaluation, checkpoints; the communication share), the
 * steps taken, the best epoch and whether early stopping ended the run. Saved with the model,
 * so a loaded model has it too.
 */
public final class TrainingSummary implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String json;
  private transient Map<String, Object> fields;

  private TrainingSummary(String json) {
    this.json = json;
  }

  static TrainingSummary of(TrainSettings.Fitted f, TrainingData data) {
    TrainResult r = f.result();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("config", f.config());
    m.put("epochs", Metrics.epochRows(r.history(), r.epochTiming()));
    m.put("best_epoch", r.bestEpoch());
    m.put("stopped_early", r.stoppedEarly());
    m.put("steps", r.steps());
    m.put("training_rows", data.trainRows());
    m.put("validation_rows", data.validationRows());
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("data_loading", f.loadSeconds());
    seconds.put("training", f.trainSeconds());
    seconds.putAll(r.timing().toMap());
    m.put("seconds", seconds);
    m.put("samples_per_second", r.samplesPerSecond());
    return new TrainingSummary(Json.line(m));
  }

  static TrainingSummary fromJson(String json) {
    TrainingSummary s = new TrainingSummary(json);
    s.fields();
    return s;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> fields() {
    if (fields == null) {
      fields = (Map<String, Object>) Json.read(json);
    }
    return fields;
  }

  /**
   * The run's resolved settings (metrics.json's {@code config}).
   *
   * @return name → value
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> config() {
    return (Map<String, Object>) fields().get("config");
  }

  /**
   * One map per epoch under metrics.json's names ({@code epoch}, {@code train_loss},
   * {@code validation_accuracy}, …).
   *
   * @return the epochs in order
   */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> epochs() {
    return (List<Map<String, Object>>) fields().get("epochs");
  }

  /**
   * The mean training loss of each epoch (as MLlib's {@code objectiveHistory}).
   *
   * @return one value per epoch
   */
  public double[] trainingLoss() {
    return column("train_loss");
  }

  /**
   * The validation loss of each epoch (NaN without a validation split).
   *
   * @return one value per epoch
   */
  public double[] validationLoss() {
    return column("validation_loss");
  }

  /**
   * The validation accuracy of each epoch (NaN without a validation split or for regression).
   *
   * @return one value per epoch
   */
  public double[] validationAccuracy() {
    return column("validation_accuracy");
  }

  /**
   * Where the time went, in seconds (data loading, training, compute, communication, driver
   * update, evaluation, checkpoints), the syncs, their communication share and bytes per sync.
   *
   * @return name → value
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> seconds() {
    return (Map<String, Object>) fields().get("seconds");
  }

  /**
   * Communication time over the step time (compute + communication + update).
   *
   * @return the share, 0 without syncs
   */
  public double communicationShare() {
    return number(seconds().get("communication_share"));
  }

  /**
   * Global optimizer steps taken.
   *
   * @return the steps
   */
  public long totalSteps() {
    return ((Number) fields().get("steps")).longValue();
  }

  /**
   * The epoch whose parameters the model holds (early stopping), counted from 1.
   *
   * @return the epoch
   */
  public int bestEpoch() {
    return ((Number) fields().get("best_epoch")).intValue();
  }

  /**
   * Whether early stopping ended the run before its epochs.
   *
   * @return true if it did
   */
  public boolean stoppedEarly() {
    return (Boolean) fields().get("stopped_early");
  }

  /**
   * The summary as one line of JSON (metrics.json's fields).
   *
   * @return the JSON text
   */
  public String toJson() {
    return json;
  }

  @Override
  public String toString() {
    return json;
  }

  private double[] column(String name) {
    List<Map<String, Object>> rows = epochs();
    List<Double> v = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      v.add(number(r.get(name)));
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
