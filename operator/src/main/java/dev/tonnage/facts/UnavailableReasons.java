package dev.tonnage.facts;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.registry.ForbiddenException;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidManifestException;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.NotAnImageException;
import dev.tonnage.registry.NotFoundException;
import dev.tonnage.registry.RateLimitedException;
import dev.tonnage.registry.RegistryException;
import dev.tonnage.registry.RegistryTimeoutException;
import dev.tonnage.registry.UnauthorizedException;
import dev.tonnage.registry.UnavailableException;
import dev.tonnage.registry.UnsupportedMediaTypeException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that names why facts are missing. Users see these reasons in warnings, denials,
 * Events, the audit status and the CLI, so they are fixed words, never class names.
 */
public final class UnavailableReasons {

  public static final String NOT_FOUND = "NotFound";
  public static final String UNAUTHORIZED = "Unauthorized";
  public static final String FORBIDDEN = "Forbidden";
  public static final String RATE_LIMITED = "RateLimited";
  public static final String UNAVAILABLE = "Unavailable";
  public static final String TIMEOUT = "Timeout";
  public static final String INVALID_MANIFEST = "InvalidManifest";
  public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
  public static final String NOT_AN_IMAGE = "NotAnImage";
  public static final String INVALID_REFERENCE = "InvalidReference";
  public static final String TOO_MANY_IMAGES = "TooManyImages";
  public static final String INTERNAL = "Internal";

  /**
   * The reason of each permitted {@link RegistryException} subclass (all final). Java 17 has no
   * pattern switch over a sealed type; a test checks that this names every permitted subclass.
   */
  static final Map<Class<? extends RegistryException>, String> REGISTRY_REASONS =
      Map.of(
          NotFoundException.class, NOT_FOUND,
          UnauthorizedException.class, UNAUTHORIZED,
          ForbiddenException.class, FORBIDDEN,
          RateLimitedException.class, RATE_LIMITED,
          UnavailableException.class, UNAVAILABLE,
          RegistryTimeoutException.class, TIMEOUT,
          InvalidManifestException.class, INVALID_MANIFEST,
          UnsupportedMediaTypeException.class, UNSUPPORTED_MEDIA_TYPE,
          NotAnImageException.class, NOT_AN_IMAGE);

  /** The short cause of each reason whose exception carries no detail worth a warning. */
  static final Map<String, String> SHORT_CAUSES =
      Map.of(
          NOT_FOUND, "not found",
          UNAUTHORIZED, "unauthorized, no or wrong credentials",
          FORBIDDEN, "denied, no pull access",
          TIMEOUT, "timeout",
          INVALID_MANIFEST, "invalid manifest",
          UNSUPPORTED_MEDIA_TYPE, "unsupported media type",
          NOT_AN_IMAGE, "not an image");

  private static final Logger LOG = LoggerFactory.getLogger(UnavailableReasons.class);

  private UnavailableReasons() {}

  /**
   * Why the fetch of {@code image} failed with {@code error} (unwrapped from completion and
   * execution exceptions). Registry errors keep their message, which names the registry and what to
   * do; anything unexpected becomes {@link #INTERNAL} with a generic message, its cause logged at
   * debug level and never shown.
   */
  public static FactsOutcome.Unavailable of(ImageReference image, Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof RegistryException registry) {
      String reason = REGISTRY_REASONS.get(registry.getClass());
      if (reason != null) {
        Duration retryAfter =
            registry instanceof RateLimitedException limited
                ? limited.retryAfter().orElse(null)
                : null;
        return new FactsOutcome.Unavailable(
            reason, registry.getMessage(), shortCause(registry), retryAfter);
      }
    }
    if (cause instanceof InvalidReferenceException invalid) {
      return new FactsOutcome.Unavailable(
          INVALID_REFERENCE, invalid.getMessage(), "invalid reference");
    }
    LOG.debug("measuring {} failed unexpectedly", image, cause);
    return internal(image);
  }

  /**
   * What failed, in a few words that fit a one-line warning: fixed words per exception type, with
   * the detail the registry client recorded for failures to reach the registry. Never a host, URL
   * or credential: the full message has those.
   */
  static String shortCause(RegistryException error) {
    if (error instanceof UnavailableException unavailable) {
      return unavailable.shortCause().orElse("registry unavailable");
    }
    if (error instanceof RateLimitedException limited) {
      return "rate limited"
          + limited.retryAfter().map(d -> ", retry after " + readable(d)).orElse("");
    }
    String reason = REGISTRY_REASONS.get(error.getClass());
    return reason == null ? "registry error" : SHORT_CAUSES.getOrDefault(reason, reason);
  }

  /**
   * The fetch of {@code image} failed in a way Tonnage did not expect (a bug, not the registry).
   */
  public static FactsOutcome.Unavailable internal(ImageReference image) {
    return new FactsOutcome.Unavailable(
        INTERNAL,
        "an internal error stopped the measuring of "
            + image
            + "; the operator's debug log has the cause",
        "internal error");
  }

  /**
   * {@code image}'s registry rate-limited the audit with a {@code Retry-After} that has {@code
   * left} to run: the audit does not ask it until then.
   */
  public static FactsOutcome.Unavailable paused(ImageReference image, Duration left) {
    return new FactsOutcome.Unavailable(
        RATE_LIMITED,
        image.registry()
            + " rate-limited the audit and asked it to wait (Retry-After); "
            + image
            + " is measured again after the pause, in "
            + readable(left),
        "rate limited, audit paused for " + readable(left),
        left);
  }

  /** No answer from {@code image}'s registry within {@code budget}. */
  public static FactsOutcome.Unavailable timeout(ImageReference image, Duration budget) {
    return new FactsOutcome.Unavailable(
        TIMEOUT,
        "no answer from " + image.registry() + " within " + readable(budget),
        "timeout after " + readable(budget));
  }

  /** An image past the cap of {@code max} distinct images per request. */
  public static FactsOutcome.Unavailable tooManyImages(int max) {
    return new FactsOutcome.Unavailable(
        TOO_MANY_IMAGES,
        "more than " + max + " distinct images in one request; at most " + max + " are measured",
        "more than " + max + " images in one request");
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    // Bounded: a cause chain may be cyclic or long.
    for (int depth = 0;
        depth < 8
            && (cause instanceof CompletionException || cause instanceof ExecutionException)
            && cause.getCause() != null;
        depth++) {
      cause = cause.getCause();
    }
    return cause;
  }

  static String readable(Duration budget) {
    long millis = Math.max(0, budget.toMillis());
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
