package dev.tonnage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * The one place where HTTP statuses and transport failures become typed {@link RegistryException}s,
 * with the registry's own error codes from its JSON body.
 */
final class RegistryErrors {
  private RegistryErrors() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DETAIL = 200;

  /**
   * A cause detail shown only when it is a few plain words (no hosts, no addresses, no secrets).
   */
  private static final int MAX_PLAIN_WORDS = 40;

  private static final Pattern PLAIN_WORDS =
      Pattern.compile("[A-Za-z][A-Za-z ]{0," + (MAX_PLAIN_WORDS - 1) + "}");

  /** Statuses worth retrying: rate limits and gateway/availability failures. */
  static boolean retryableStatus(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** The exception for a non-success response; {@code body} is the (capped) error body. */
  static RegistryException fromResponse(
      PullTarget target, String description, Response response, byte[] body) {
    int status = response.code();
    String registry = target.registry();
    String repository = target.repository();
    String where = RegistryException.where(registry, repository);
    String said = registrySays(body);
    return switch (status) {
      case 404 ->
          new NotFoundException(
              registry,
              repository,
              description
                  + " not found in "
                  + where
                  + said
                  + "; check the repository name and tag, and that the image was pushed");
      case 401 ->
          new UnauthorizedException(
              registry,
              repository,
              registry
                  + " refused "
                  + (target.credential() == null ? "anonymous access" : "the credentials given")
                  + " to "
                  + where
                  + said
                  + "; "
                  + (target.credential() == null
                      ? "give credentials for "
                          + registry
                          + " (docker login, or an imagePullSecret)"
                      : "check the credentials for " + registry)
                  + " (some registries answer this for repositories that do not exist)");
      case 403 ->
          new ForbiddenException(
              registry,
              repository,
              registry
                  + " denied pulling "
                  + where
                  + said
                  + "; the credentials are known but lack pull access to this repository");
      case 429 -> {
        Duration retryAfter = retryAfter(response.header("Retry-After"), Instant.now());
        yield new RateLimitedException(
            registry,
            repository,
            registry
                + " is rate-limiting requests for "
                + where
                + said
                + "; "
                + (retryAfter == null
                    ? "retry later"
                    : "retry after " + retryAfter.toSeconds() + " s")
                + ", or authenticate for a higher limit",
            retryAfter);
      }
      default ->
          new UnavailableException(
              registry,
              repository,
              registry
                  + " answered HTTP "
                  + status
                  + " for "
                  + description
                  + said
                  + (status >= 500
                      ? "; the registry is failing, retry later"
                      : "; this is not a request Tonnage expected to fail, check the registry"),
              status >= 500,
              null,
              (status >= 500 ? "registry failing" : "unexpected answer")
                  + " (HTTP "
                  + status
                  + ")");
    };
  }

  /** The exception for a request that got no (usable) response. */
  static RegistryException fromIOException(
      PullTarget target, String description, HttpUrl url, IOException e) {
    String registry = target.registry();
    String repository = target.repository();
    String where = " (" + redact(url) + ")";
    if (e instanceof CappedBody.TooLargeException tooLarge) {
      return new InvalidManifestException(
          registry,
          repository,
          description
              + " from "
              + registry
              + " is larger than "
              + tooLarge.cap / 1024
              + " KiB; Tonnage refuses oversized documents");
    }
    if (e instanceof AddressPolicy.RefusedAddressException) {
      return new UnavailableException(
          registry,
          repository,
          e.getMessage(),
          false,
          e,
          "refused address (link-local or metadata)");
    }
    if (e instanceof ProxyAuthentication.ProxyAuthenticationException) {
      return new UnavailableException(
          registry,
          repository,
          "cannot reach " + registry + " for " + description + ": " + e.getMessage(),
          false,
          e,
          "proxy authentication failed");
    }
    if (e instanceof SSLException) {
      return new UnavailableException(
          registry,
          repository,
          "TLS with "
              + registry
              + " failed for "
              + description
              + where
              + ": "
              + e.getMessage()
              + "; if it uses a private CA give its certificate (--ca-file, caBundles); if it"
              + " serves plain HTTP, configure it as insecure (--insecure-registry)",
          false,
          e,
          "TLS failed" + plainWords(e));
    }
    if (e instanceof UnknownHostException) {
      return new UnavailableException(
          registry,
          repository,
          "cannot resolve " + url.host() + " for " + description + "; check the registry name",
          true,
          e,
          "cannot resolve host");
    }
    if (e instanceof InterruptedIOException) {
      return new UnavailableException(
          registry,
          repository,
          registry + " did not answer in time for " + description + where + "; retry later",
          true,
          e,
          "timeout" + plainWords(e));
    }
    String what = e instanceof ConnectException ? "cannot connect to " : "connection failed with ";
    return new UnavailableException(
        registry,
        repository,
        what + registry + " for " + description + where + ": " + e.getMessage() + "; retry later",
        true,
        e,
        (e instanceof ConnectException ? "cannot connect" : "connection failed") + plainWords(e));
  }

  /**
   * {@code " (Connection refused)"}: the first message of the exception or its causes that is a few
   * plain words (no host, address, URL or class name can be in it), else "".
   */
  static String plainWords(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
      String message = t.getMessage();
      if (message != null
          && message.length() <= MAX_PLAIN_WORDS
          && PLAIN_WORDS.matcher(message).matches()) {
        return " (" + message + ")";
      }
    }
    return "";
  }

  /** {@code Retry-After}: delta seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(now, at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /** A URL for messages and logs: no user info, no query (pre-signed storage URLs). */
  static String redact(HttpUrl url) {
    return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
  }

  /** {@code " (MANIFEST_UNKNOWN: manifest unknown)"} from the registry's error JSON, or "". */
  static String registrySays(byte[] body) {
    List<String> parts = new ArrayList<>();
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      for (JsonNode error : errors) {
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        parts.add(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
      }
    } catch (IOException | RuntimeException e) {
      // Not the registry error format (e.g. HTML from a proxy): say nothing rather than echo it.
      return "";
    }
    if (parts.isEmpty()) {
      return "";
    }
    String joined = String.join("; ", parts).replaceAll("\\p{Cntrl}", " ");
    if (joined.length() > MAX_DETAIL) {
      joined = joined.substring(0, MAX_DETAIL) + "...";
    }
    return " (" + joined + ")";
  }
}
