package org.sparkprop.driver.data;

import org.apache.spark.storage.StorageLevel;

/**
 * How the training and validation shards built on the executors are kept between epochs
 * ({@code --cache}): as objects in memory spilling to disk (the default, fastest), serialised
 * in memory spilling to disk (smaller, deserialised once per epoch), or not at all: every epoch
 * rebuilds its shards from the input (through Spark's shuffle files on the executors' disks),
 * for data several times the executors' storage memory. Data read on the driver (IDX) lives in
 * broadcasts either way.
 */
public enum Caching {
  MEMORY("memory", StorageLevel.MEMORY_AND_DISK()),
  SERIALIZED("serialized", StorageLevel.MEMORY_AND_DISK_SER()),
  NONE("none", null);

  private final String name;
  private final StorageLevel level;

  Caching(String name, StorageLevel level) {
    this.name = name;
    this.level = level;
  }

  /** The storage level, or null: not persisted. */
  public StorageLevel level() {
    return level;
  }

  @Override
  public String toString() {
    return name;
  }
}
