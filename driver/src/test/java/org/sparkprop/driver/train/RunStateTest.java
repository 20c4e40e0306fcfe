package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.io.Checkpoint;

/** The run state's copy, restore and checkpoint conversion cover every field. */
class RunStateTest {
  /** n = 3 parameters, S = 2 state values, O = 2 optimizer arrays, P = 2 workers or none. */
  private static RunState state(boolean perWorker, float base) {
    float[][][] per = perWorker ? new float[][][] {
        {{base + 10, base + 11, base + 12}, {base + 13, base + 14, base + 15}},
        {{base + 20, base + 21, base + 22}, {base + 23, base + 24, base + 25}}} : null;
    RunState r = new RunState(new float[] {base, base + 1, base + 2},
        new float[] {base + 3, base + 4},
        new float[][] {{base + 5, base + 6, base + 7}, {base + 8, base + 9, base + 9.5f}}, per);
    r.step = (long) base;
    return r;
  }

  private static void assertSameValues(RunState expected, RunState r) {
    assertSameValues(expected, r, true);
  }

  /** withShared: compare the shared optimizer arrays too (unused with per-worker state). */
  private static void assertSameValues(RunState expected, RunState r, boolean withShared) {
    assertArrayEquals(expected.params, r.params);
    assertArrayEquals(expected.state, r.state);
    assertEquals(expected.step, r.step);
    for (int o = 0; o < 2; o++) {
      if (withShared) {
        assertArrayEquals(expected.optimizer[o], r.optimizer[o]);
      }
      for (int q = 0; expected.perWorker != null && q < 2; q++) {
        assertArrayEquals(expected.perWorker[q][o], r.perWorker[q][o]);
      }
    }
  }

  @Test
  void aCopyIsDeepAndRestoreOverwritesEveryFieldInPlace() {
    for (boolean perWorker : new boolean[] {false, true}) {
      RunState run = state(perWorker, 1);
      float[] optimizerArray = run.optimizer[0];
      RunState saved = run.copy();
      assertNotSame(run.params, saved.params);
      assertNotSame(run.optimizer[1], saved.optimizer[1]);
      RunState later = state(perWorker, 100);
      run.restore(later);              // the run moves on ...
      assertSameValues(later, run);
      run.restore(saved);              // ... and is rolled back
      assertSameValues(state(perWorker, 1), run);
      assertSame(optimizerArray, run.optimizer[0], "the optimizer's own arrays are kept");
    }
  }

  @Test
  void checkpointRoundTrip() {
    for (boolean perWorker : new boolean[] {false, true}) {
      Checkpoint c = state(perWorker, 7).toCheckpoint(2, 5, Map.of("k", "v"));
      assertEquals(2, c.epoch());
      assertEquals(5, c.stepInEpoch());
      assertEquals(7, c.step());
      assertEquals(perWorker ? 4 : 2, c.optimizerState().size());
      if (perWorker) {
        // Worker 0's arrays first, then worker 1's.
        assertArrayEquals(new float[] {27, 28, 29}, c.optimizerState().get(2));
      }
      RunState back = state(perWorker, 0);
      back.restore(c, "3-2", "adam");
      // With one state per worker the checkpoint holds those, not the unused shared arrays.
      assertSameValues(state(perWorker, 7), back, !perWorker);
    }
  }

  @Test
  void aCheckpointOfAnotherShapeIsRefusedWithTheReason() {
    RunState run = state(false, 0);
    Checkpoint other = new Checkpoint(1, 0, 0, new float[4], new float[2], List.of(), Map.of());
    assertEquals("the checkpoint's parameters (4) do not match architecture 3-2 (3)",
        assertThrows(IllegalArgumentException.class, () -> run.restore(other, "3-2", "adam"))
            .getMessage());
    Checkpoint sgd = new Checkpoint(1, 0, 0, new float[3], new float[2], List.of(), Map.of());
    assertEquals("the checkpoint's optimizer state (0 arrays) does not match optimizer adam",
        assertThrows(IllegalArgumentException.class, () -> run.restore(sgd, "3-2", "adam"))
            .getMessage());
    RunState perWorker = state(true, 0);
    Checkpoint shared = state(false, 0).toCheckpoint(1, 0, Map.of());
    assertEquals("the checkpoint's optimizer state (2 arrays) does not match optimizer adam "
        + "with one state per worker for 2 workers", assertThrows(
            IllegalArgumentException.class, () -> perWorker.restore(shared, "3-2", "adam"))
            .getMessage());
  }
}
