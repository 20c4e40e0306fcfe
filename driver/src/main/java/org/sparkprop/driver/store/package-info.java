/**
 * Storage on any Hadoop file system (file://, hdfs://, s3a://): atomic writes, published
 * output folders ({@code _SUCCESS} last), and checkpoints behind a small {@code LATEST}
 * pointer.
 */
package org.sparkprop.driver.store;
