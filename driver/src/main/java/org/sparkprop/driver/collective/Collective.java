package org.sparkprop.driver.collective;

import java.io.IOException;

/**
 * A collective operation among the P peers of a job, over a float range of each peer's buffer:
 * after {@link #allReduce}, every peer holds the element-wise sum of all peers' ranges, with
 * the same bits everywhere and the same summation order in every run for a given P.
 */
public interface Collective extends AutoCloseable {
  /** This peer's rank in [0, P). */
  int rank();

  /** P, the number of peers. */
  int size();

  /** Overwrites a[off, off+n) on every peer with the sum over all peers; n is the same for all. */
  void allReduce(float[] a, int off, int n) throws IOException;

  /**
   * The first half of {@link #allReduce}: afterwards this peer's part of the range,
   * [{@link #ownedFrom}, {@link #ownedTo}), holds the sum over all peers (with the bits
   * allReduce gives it); the rest of the range is scratch.
   */
  void reduceScatter(float[] a, int off, int n) throws IOException;

  /**
   * {@link #reduceScatter(float[], int, int)} that sends, with bf16, bfloat16 values (half
   * the bytes; each partial sum rounded to 8 significant bits before it travels, then added in
   * float). The same bits on every peer for a given P all the same.
   */
  default void reduceScatter(float[] a, int off, int n, boolean bf16) throws IOException {
    if (bf16) {
      throw new UnsupportedOperationException("bfloat16 on the wire");
    }
    reduceScatter(a, off, n);
  }

  /**
   * The second half: every peer's part of a[off, off+n) goes to all peers, so that the whole
   * range is the same everywhere. After {@link #reduceScatter}, the two are {@link #allReduce}.
   */
  void allGather(float[] a, int off, int n) throws IOException;

  /**
   * {@link #allGather(float[], int, int)} of count ranges at once, range i being [offs[i],
   * offs[i] + lens[i]): the same bits as gathering them one by one; an implementation may send
   * every range's part of a step together, paying each step's wait for a neighbour once.
   */
  default void allGather(float[] a, int[] offs, int[] lens, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      allGather(a, offs[i], lens[i]);
    }
  }

  /** The first element of this peer's part of the range [off, off+n). */
  int ownedFrom(int off, int n);

  /** The end of this peer's part of the range [off, off+n). */
  int ownedTo(int off, int n);

  /** Bytes this peer has sent and received so far (payload and framing). */
  long bytesSent();

  long bytesReceived();

  @Override
  void close();
}
