/**
 * The executor side of a training step: a {@link org.sparkprop.driver.worker.ShardWorker}
 * walks its partition's shard in the epoch's shuffled order and computes gradient sums (or
 * local optimizer steps for parameter averaging) on the CPU kernel or the GPU; a
 * {@link org.sparkprop.driver.worker.Plan} is the epoch's schedule, a
 * {@link org.sparkprop.driver.worker.WorkerSpec} what a task needs to build its worker.
 */
package org.sparkprop.driver.worker;
