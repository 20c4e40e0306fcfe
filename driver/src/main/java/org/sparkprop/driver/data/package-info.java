/**
 * Input on the cluster: the formats ({@link org.sparkprop.driver.data.InputFormat}), files read
 * on the driver ({@code FileInputs}), tables read by the executors ({@code TableSource}),
 * and the data a run trains on: one {@link org.sparkprop.driver.data.Block} of contiguous
 * arrays per partition, split, scaled and sharded deterministically from the seed
 * ({@code Shards}, {@code TableShards}, {@code RowPermutation}, {@code TrainingData}).
 */
package org.sparkprop.driver.data;
