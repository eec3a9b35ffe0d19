package dev.tonnage.testing.registry;

import java.time.Instant;
import java.util.List;

/**
 * One request the token server answered, for tests that assert on token caching and scopes.
 *
 * @param at when it arrived
 * @param user the authenticated user, or null for anonymous (or failed) authentication
 * @param service the {@code service} parameter
 * @param scopes the {@code scope} parameters, as sent
 * @param status the HTTP status answered
 * @param granted what the token grants (empty unless status is 200)
 */
public record TokenRequest(
    Instant at,
    String user,
    String service,
    List<String> scopes,
    int status,
    List<ResourceAccess> granted) {

  public TokenRequest {
    scopes = List.copyOf(scopes);
    granted = List.copyOf(granted);
  }
}
