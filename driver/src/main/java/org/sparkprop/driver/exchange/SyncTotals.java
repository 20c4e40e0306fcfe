package org.sparkprop.driver.exchange;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What the ring's task 0 tells the driver about an epoch's try so far, summed over its syncs
 * in sync order: syncs and global steps done, the training loss sum, correct predictions,
 * rows, the sum of the gradient norms (gradient sync), and the task's compute, exposed
 * communication and update nanoseconds and the bytes it sent and received. The driver gets
 * these totals, not one message per sync, so it stays off the per-step path; the totals are
 * the same bits whenever they are sent.
 */
public final class SyncTotals {
  public long syncs;
  public long steps;
  public double lossSum;
  public long correct;
  public long rows;
  public double gradNormSum;
  public long computeNs;
  public long communicationNs;
  public long updateNs;
  public long bytes;

  /** Adds one sync. */
  void add(int stepCount, double loss, long right, long n, double gradNorm, long compute,
      long communication, long update, long moved) {
    syncs++;
    steps += stepCount;
    lossSum += loss;
    correct += right;
    rows += n;
    if (!Double.isNaN(gradNorm)) {
      gradNormSum += gradNorm;
    }
    computeNs += compute;
    communicationNs += communication;
    updateNs += update;
    bytes += moved;
  }

  /** A gradient norm learnt after its sync was added (the ring's delayed norm). */
  void addGradNorm(double norm) {
    gradNormSum += norm;
  }

  /** Communication outside a sync (the delayed norm's last all-reduce of an epoch). */
  void addCommunication(long nanos, long moved) {
    communicationNs += nanos;
    bytes += moved;
  }

  void write(DataOutput out) throws IOException {
    out.writeLong(syncs);
    out.writeLong(steps);
    out.writeDouble(lossSum);
    out.writeLong(correct);
    out.writeLong(rows);
    out.writeDouble(gradNormSum);
    out.writeLong(computeNs);
    out.writeLong(communicationNs);
    out.writeLong(updateNs);
    out.writeLong(bytes);
  }

  /** Reads totals written by {@link #write}; counts must not go backwards. */
  void read(DataInput in) throws IOException {
    long s = in.readLong();
    long st = in.readLong();
    if (s < syncs || st < steps) {
      throw new IOException("partition 0 reported " + s + " syncs and " + st + " steps after "
          + syncs + " and " + steps);
    }
    syncs = s;
    steps = st;
    lossSum = in.readDouble();
    correct = in.readLong();
    rows = in.readLong();
    gradNormSum = in.readDouble();
    computeNs = in.readLong();
    communicationNs = in.readLong();
    updateNs = in.readLong();
    bytes = in.readLong();
  }

  /** Copies other's totals into these. */
  public void set(SyncTotals other) {
    syncs = other.syncs;
    steps = other.steps;
    lossSum = other.lossSum;
    correct = other.correct;
    rows = other.rows;
    gradNormSum = other.gradNormSum;
    computeNs = other.computeNs;
    communicationNs = other.communicationNs;
    updateNs = other.updateNs;
    bytes = other.bytes;
  }

  /** Back to zero, for a new epoch or try. */
  public void clear() {
    set(new SyncTotals());
  }
}
