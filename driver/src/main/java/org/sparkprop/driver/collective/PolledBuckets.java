package org.sparkprop.driver.collective;

import java.io.IOException;

/**
 * The buckets' ring all-reduce moved by the computing thread itself, for a peer whose ring
 * links both go through shared memory: at each point where the backward pass releases part of
 * the gradient the thread copies what the links take without waiting (frames into free slots,
 * the neighbour's published frames added in), and after the pass it finishes what is left.
 * On one host the workers hold every core, so a communication thread could only take a
 * computing thread's core: each of its wake-ups (one a bucket, one for the result) preempts a
 * computing thread and costs tens of microseconds in a virtual machine, while the copies
 * themselves take no longer on one thread than on the other.
 *
 * <p>The steps are those of {@link Ring#reduceScatter} and {@link Ring#allGather}, bucket by
 * bucket in sending order, with the same chunks, frames and sums in the same order, so the bits
 * and the bytes are those of the communication thread's pass. Op k sends one chunk and
 * receives another. Sends go in op order; op k's send waits for op k − 1's receive when both
 * are steps of one bucket (it sends what that receive summed or gathered); op k's receive
 * waits for the sends up to op k − 1 (so it never overwrites a chunk still to be copied out;
 * op k's own send is another chunk) and, like the send, for its bucket to be released. Both
 * directions move frame by frame, so neither end stalls the other whatever the sizes.
 * Nothing is allocated per pass.
 */
final class PolledBuckets {
  private final Ring ring;
  private final SharedMemory next;
  private final SharedMemory prev;
  private final float[] buf;
  private final int[] bucket;
  private final int[] sendOff;
  private final int[] sendLen;
  private final int[] recvOff;
  private final int[] recvLen;
  private final boolean[] add;
  private final boolean[] bf16;
  private final Pieces out = new Pieces();
  private final Pieces in = new Pieces();
  private int sendOp;
  private int sent;
  private int recvOp;
  private int received;

  /**
   * The ops of a pass over the buckets [lo[b], hi[b]) in order b = 0, 1, …: the reduce-scatter
   * steps of each, then (unless scattered[b]) its all-gather steps; bf16Below as in
   * {@link BucketedAllReduce}.
   */
  PolledBuckets(Ring ring, SharedMemory[] links, float[] buf, int[] lo, int[] hi,
      int scatterBelow, int bf16Below) {
    this.ring = ring;
    this.next = links[0];
    this.prev = links[1];
    this.buf = buf;
    int p = ring.size();
    int r = ring.rank();
    int ops = 0;
    for (int b = 0; b < lo.length; b++) {
      ops += (lo[b] < scatterBelow ? 1 : 2) * (p - 1);
    }
    bucket = new int[ops];
    sendOff = new int[ops];
    sendLen = new int[ops];
    recvOff = new int[ops];
    recvLen = new int[ops];
    add = new boolean[ops];
    bf16 = new boolean[ops];
    int k = 0;
    for (int b = 0; b < lo.length; b++) {
      int n = hi[b] - lo[b];
      for (int s = 0; s < p - 1; s++, k++) {
        op(k, b, lo[b], n, Math.floorMod(r - s, p), Math.floorMod(r - s - 1, p), true,
            lo[b] < bf16Below);
      }
      if (lo[b] >= scatterBelow) {
        for (int s = 0; s < p - 1; s++, k++) {
          op(k, b, lo[b], n, Math.floorMod(r + 1 - s, p), Math.floorMod(r - s, p), false,
              false);
        }
      }
    }
  }

  private void op(int k, int b, int lo, int n, int sendChunk, int recvChunk, boolean sum,
      boolean half) {
    bucket[k] = b;
    sendOff[k] = lo + ring.chunkStart(n, sendChunk);
    sendLen[k] = ring.chunkStart(n, sendChunk + 1) - ring.chunkStart(n, sendChunk);
    recvOff[k] = lo + ring.chunkStart(n, recvChunk);
    recvLen[k] = ring.chunkStart(n, recvChunk + 1) - ring.chunkStart(n, recvChunk);
    add[k] = sum;
    bf16[k] = half;
  }

  /** Starts a pass. */
  void begin() {
    sendOp = 0;
    sent = 0;
    recvOp = 0;
    received = 0;
  }

  /** Moves what the links take now without waiting, the buckets below released being final. */
  void poll(int released) throws IOException {
    try {
      move(released);
    } catch (IOException e) {
      throw named(e);
    }
  }

  /** The link's failure under this peer's rank, as the ring's own steps report it. */
  private IOException named(IOException e) {
    return new IOException("rank " + ring.rank() + ": " + e.getMessage(), e);
  }

  private void move(int released) throws IOException {
    boolean again = true;
    while (again) {
      again = false;
      while (sendOp < bucket.length && canSend(sendOp, released)) {
        if (sent == 0) {
          out.of(sendOff[sendOp], sendLen[sendOp]);
        }
        int m = next.trySend(buf, out, sendLen[sendOp] - sent, bf16[sendOp]);
        sent += m;
        if (sent < sendLen[sendOp]) {
          break;  // no free slot
        }
        ring.countMoved(bf16[sendOp] ? 2 : 4, sendLen[sendOp], 0);
        sendOp++;
        sent = 0;
        again = true;
      }
      while (recvOp < bucket.length && canReceive(recvOp, released)) {
        if (received == 0) {
          in.of(recvOff[recvOp], recvLen[recvOp]);
        }
        int m = prev.tryReceive(buf, in, recvLen[recvOp] - received, add[recvOp],
            bf16[recvOp]);
        received += m;
        if (received < recvLen[recvOp]) {
          break;  // not there yet
        }
        ring.countMoved(bf16[recvOp] ? 2 : 4, 0, recvLen[recvOp]);
        recvOp++;
        received = 0;
        again = true;
      }
    }
  }

  /**
   * Finishes the pass (every bucket released): moves what it can, and waits on whichever link
   * holds it up (for a free slot while the send has one to fill, else for the neighbour's next
   * frame), until every op is done; fails as the links do (peer closed, timeout, interrupt).
   */
  void finish(int released) throws IOException {
    try {
      while (true) {
        move(released);
        if (recvOp == bucket.length) {
          return;
        }
        if (sendOp < bucket.length && canSend(sendOp, released)) {
          next.awaitSlot(prev);
        } else {
          prev.awaitFrame();
        }
      }
    } catch (IOException e) {
      throw named(e);
    }
  }

  private boolean canSend(int k, int released) {
    return bucket[k] < released && (k == 0 || bucket[k - 1] != bucket[k] || recvOp >= k);
  }

  private boolean canReceive(int k, int released) {
    return bucket[k] < released && sendOp >= k;
  }
}
