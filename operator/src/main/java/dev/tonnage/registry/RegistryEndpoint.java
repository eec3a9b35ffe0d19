package dev.tonnage.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * One registry API call: its method, route, Accept header and how it reads a successful response.
 * {@link RegistryTransport} does the rest (auth, redirects, retries, status mapping).
 *
 * @param <T> what the call yields
 */
interface RegistryEndpoint<T> {

  String method();

  /** The full URL, from the repository's base {@code scheme://registry/v2/repository/}. */
  HttpUrl url(HttpUrl repositoryBase);

  /** Media types for the Accept header; empty for none. */
  default List<String> accept() {
    return List.of();
  }

  /** Extra request headers, e.g. Range. */
  default Map<String, String> headers() {
    return Map.of();
  }

  /**
   * How long the whole exchange, body included, may take; null for the client's {@code
   * requestTimeout}. Only streams of whole layers need longer.
   */
  default Duration callTimeout() {
    return null;
  }

  /** What is being fetched, for messages: "manifest of registry/repo:tag". */
  String description();

  /** Statuses this endpoint reads itself instead of them becoming errors (besides 2xx). */
  default boolean reads(int status) {
    return false;
  }

  /** Reads a response whose status is 2xx or one this endpoint {@link #reads}. */
  T read(Response response) throws IOException, RegistryException;
}
