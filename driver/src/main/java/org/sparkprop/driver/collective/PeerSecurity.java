package org.sparkprop.driver.collective;

/**
 * How peers of a collective prove who they are and protect what they send: with a shared
 * secret (Spark's, under {@code spark.authenticate}) every connection starts with a mutual
 * challenge-response, so the secret never travels; with encryption as well
 * ({@code spark.network.crypto.enabled}) every frame is sealed with AES-GCM under a key derived
 * per connection. Without a secret, connections are checked only for the run's session number.
 */
public final class PeerSecurity {
  private static final PeerSecurity NONE = new PeerSecurity(null, false);

  private final byte[] secret;
  private final boolean encrypt;

  private PeerSecurity(byte[] secret, boolean encrypt) {
    this.secret = secret;
    this.encrypt = encrypt;
  }

  /** No authentication, no encryption. */
  public static PeerSecurity none() {
    return NONE;
  }

  /** Mutual authentication with secret; with encrypt, every frame sealed with AES-GCM. */
  public static PeerSecurity withSecret(byte[] secret, boolean encrypt) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("a collective's secret needs at least 16 bytes, got "
          + (secret == null ? "none" : secret.length));
    }
    return new PeerSecurity(secret.clone(), encrypt);
  }

  boolean authenticates() {
    return secret != null;
  }

  boolean encrypts() {
    return encrypt;
  }

  byte[] secret() {
    return secret;
  }

  @Override
  public String toString() {
    return secret == null ? "none" : encrypt ? "authenticated, encrypted" : "authenticated";
  }
}
