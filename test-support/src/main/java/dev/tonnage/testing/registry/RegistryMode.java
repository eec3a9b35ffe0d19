package dev.tonnage.testing.registry;

/** How a {@link RegistryServer} is reached and authenticates. */
public enum RegistryMode {
  /** HTTP, no authentication. */
  PLAIN,
  /** HTTPS with a certificate from a per-run CA, no authentication. */
  TLS,
  /** HTTPS plus htpasswd (bcrypt) Basic authentication. */
  BASIC,
  /** HTTPS plus Bearer tokens from our own {@link TokenServer}. */
  TOKEN;

  public boolean usesTls() {
    return this != PLAIN;
  }

  public boolean requiresCredentials() {
    return this == BASIC || this == TOKEN;
  }
}
