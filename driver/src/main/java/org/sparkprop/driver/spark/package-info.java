/**
 * Starting Spark for a command: the master, Kryo with required registration, loopback for
 * embedded runs, the Vector API module for every executor, and the check that the Spark it
 * runs on is the line this jar is built for (SparkLine); reductions merged in partition order
 * (InOrder).
 */
package org.sparkprop.driver.spark;
