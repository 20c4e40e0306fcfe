/**
 * Collectives among the executors of a job, over loopback or the cluster network, knowing
 * nothing of models: {@link org.sparkprop.driver.collective.Ring} is the ring all-reduce
 * (reduce-scatter, then all-gather) over {@code PeerChannel} connections, which authenticate
 * peers by a challenge-response on a shared secret and, when asked, seal every frame with
 * AES-GCM ({@link org.sparkprop.driver.collective.PeerSecurity}).
 */
package org.sparkprop.driver.collective;
