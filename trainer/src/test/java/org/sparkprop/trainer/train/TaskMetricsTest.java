package org.sparkprop.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.loss.Task;

/** The task measures against values worked out by hand (the same as scikit-learn's). */
class TaskMetricsTest {
  @Test
  void regressionByHand() {
    // Output 0: errors 1, 0; targets 0, 3 (SST 4.5). Output 1: errors 0, 2; targets 2, 3
    // (SST 0.5). RMSE √(5/4), MAE 3/4, R² ((1 − 1/4.5) + (1 − 4/0.5)) / 2.
    TaskMetrics m = new TaskMetrics(Task.REGRESSION, 2, 0.5f);
    m.add(new float[] {1, 2, 3, 5}, new float[] {0, 2, 3, 3}, 2);
    Map<String, Double> v = m.values();
    assertEquals(List.of("rmse", "mae", "r2"), List.copyOf(v.keySet()));
    assertEquals(Math.sqrt(1.25), v.get("rmse"), 1e-12);
    assertEquals(0.75, v.get("mae"), 1e-12);
    assertEquals(((1 - 1 / 4.5) + (1 - 4 / 0.5)) / 2, v.get("r2"), 1e-12);
    TaskMetrics a = new TaskMetrics(Task.REGRESSION, 2, 0.5f);
    TaskMetrics b = new TaskMetrics(Task.REGRESSION, 2, 0.5f);
    a.add(new float[] {1, 2}, new float[] {0, 2}, 1);
    b.add(new float[] {3, 5}, new float[] {3, 3}, 1);
    assertEquals(v, a.merge(b).values(), "partition sums merge to the one-pass values");
    TaskMetrics constant = new TaskMetrics(Task.REGRESSION, 1, 0.5f);
    constant.add(new float[] {2, 2}, new float[] {2, 2}, 2);
    assertEquals(1.0, constant.values().get("r2"), "a constant target predicted exactly");
  }

  @Test
  void multilabelByHand() {
    // Row 0 decides 1,0,1 = its labels; row 1 decides 0,1,0 against 0,0,1 (a false positive
    // on label 1, a false negative on label 2). F1 per label: 1, 0, 2/3.
    float[] p = {0.9f, 0.2f, 0.6f, 0.1f, 0.7f, 0.4f};
    float[] t = {1, 0, 1, 0, 0, 1};
    TaskMetrics m = new TaskMetrics(Task.MULTILABEL, 3, 0.5f);
    m.add(p, t, 2);
    Map<String, Double> v = m.values();
    assertEquals(List.of("subset_accuracy", "hamming_loss", "micro_f1", "macro_f1"),
        List.copyOf(v.keySet()));
    assertEquals(0.5, v.get("subset_accuracy"));
    assertEquals(2.0 / 6, v.get("hamming_loss"), 1e-12);
    assertEquals(4.0 / 6, v.get("micro_f1"), 1e-12);
    assertEquals((1 + 0 + 2.0 / 3) / 3, v.get("macro_f1"), 1e-12);
    // At 0.65 row 0 misses label 2 too: no exact row; tp 1, fp 1, fn 2.
    TaskMetrics high = new TaskMetrics(Task.MULTILABEL, 3, 0.65f);
    high.add(p, t, 2);
    assertEquals(0.0, high.values().get("subset_accuracy"));
    assertEquals(3.0 / 6, high.values().get("hamming_loss"), 1e-12);
    assertEquals(2.0 / 5, high.values().get("micro_f1"), 1e-12);
  }

  /**
   * A partition's sums written to a stream and merged from it give what merging the objects
   * gives, and the reader takes exactly the bytes the writer wrote.
   */
  @Test
  void sumsMergeFromTheirStreamAsFromTheObjects() throws IOException {
    float[] p = {0.9f, 0.2f, 0.6f, 0.1f, 0.7f, 0.4f};
    float[] t = {1, 0, 1, 0, 0, 1};
    for (Task task : new Task[] {Task.REGRESSION, Task.MULTILABEL}) {
      TaskMetrics a = new TaskMetrics(task, 3, 0.5f);
      TaskMetrics b = new TaskMetrics(task, 3, 0.5f);
      a.add(p, t, 1);
      b.add(Arrays.copyOfRange(p, 3, 6), Arrays.copyOfRange(t, 3, 6), 1);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      b.writeTo(out);
      out.writeInt(12345);
      TaskMetrics fromStream = new TaskMetrics(task, 3, 0.5f);
      fromStream.add(p, t, 1);
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
      fromStream.mergeFrom(in);
      assertEquals(12345, in.readInt(), task + ": the reader stops where the sums end");
      assertEquals(a.merge(b).values(), fromStream.values(), task.toString());
      assertEquals(2, fromStream.rows());
    }
  }

  @Test
  void classificationHasNoneAndTheThresholdIsChecked() {
    assertTrue(new TaskMetrics(Task.CLASSIFICATION, 10, 0.5f).values().isEmpty());
    assertEquals("the decision threshold must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class,
            () -> new TaskMetrics(Task.MULTILABEL, 2, 1f)).getMessage());
  }
}
