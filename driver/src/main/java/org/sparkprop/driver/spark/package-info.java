/**
 * Starting Spark for a command: the master, Kryo with required registration, loopback for
 * embedded runs, and the Vector API module for every executor.
 */
package org.sparkprop.driver.spark;
