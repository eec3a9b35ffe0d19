package dev.tonnage.registry;

/**
 * Why the facts of an image could not be had. Every message names the registry and repository, what
 * went wrong and what to do; none carries credentials, tokens or URL query strings. {@link
 * #temporary()} says whether the same request may succeed later (drives retries and the webhook's
 * {@code onRegistryError}).
 */
public abstract sealed class RegistryException extends Exception
    permits NotFoundException,
        UnauthorizedException,
        ForbiddenException,
        RateLimitedException,
        UnavailableException,
        RegistryTimeoutException,
        InvalidManifestException,
        UnsupportedMediaTypeException,
        NotAnImageException {

  private final String registry;
  private final String repository;

  RegistryException(String registry, String repository, String message, Throwable cause) {
    super(message, cause);
    this.registry = registry;
    this.repository = repository;
  }

  /** The registry host[:port] the failing request went to. */
  public String registry() {
    return registry;
  }

  /** The repository path the failing request was about. */
  public String repository() {
    return repository;
  }

  /** Whether retrying later may succeed (outage, rate limit, timeout). */
  public abstract boolean temporary();

  static String where(String registry, String repository) {
    return registry + "/" + repository;
  }
}
