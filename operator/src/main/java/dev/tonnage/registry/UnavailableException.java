package dev.tonnage.registry;

import java.util.Optional;

/**
 * The registry could not be reached or failed: connection refused or reset, TLS failure, HTTP 5xx,
 * a refused address, an unexpected status. {@link #temporary()} is false for what retrying cannot
 * fix (TLS trust, refused address, plain HTTP not allowed).
 */
public final class UnavailableException extends RegistryException {

  private final boolean temporary;
  private final String shortCause;

  public UnavailableException(
      String registry, String repository, String message, boolean temporary, Throwable cause) {
    this(registry, repository, message, temporary, cause, null);
  }

  /**
   * @param shortCause what failed in a few fixed words for warnings, e.g. {@code cannot connect
   *     (Connection refused)}; null when only the message says it
   */
  public UnavailableException(
      String registry,
      String repository,
      String message,
      boolean temporary,
      Throwable cause,
      String shortCause) {
    super(registry, repository, message, cause);
    this.temporary = temporary;
    this.shortCause = shortCause;
  }

  @Override
  public boolean temporary() {
    return temporary;
  }

  /** What failed in a few words, without hosts, URLs or credentials, when it is known. */
  public Optional<String> shortCause() {
    return Optional.ofNullable(shortCause);
  }
}
