package dev.tonnage.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How to inspect one image.
 *
 * @param credentials where registry credentials come from ({@link RegistryCredentials#anonymous()}
 *     for none)
 * @param deadline when the caller stops waiting; the fetch may finish later and warm the cache
 * @param uncompressed whether to read uncompressed layer sizes (one small Range request per layer
 *     not yet cached)
 * @param candidateBases images to try as base image by layer-prefix match when neither the manifest
 *     nor the config names one (e.g. the images named in policies)
 */
public record InspectRequest(
    RegistryCredentials credentials,
    Instant deadline,
    boolean uncompressed,
    List<ImageReference> candidateBases) {

  public InspectRequest {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(deadline, "deadline");
    candidateBases = candidateBases == null ? List.of() : List.copyOf(candidateBases);
  }

  /** Anonymous, compressed sizes only, no candidate bases, deadline {@code timeout} from now. */
  public static InspectRequest within(Duration timeout) {
    return new InspectRequest(
        RegistryCredentials.anonymous(), Instant.now().plus(timeout), false, List.of());
  }

  /** With {@code credentials}, compressed sizes only, deadline {@code timeout} from now. */
  public static InspectRequest of(RegistryCredentials credentials, Duration timeout) {
    return new InspectRequest(credentials, Instant.now().plus(timeout), false, List.of());
  }

  public InspectRequest withUncompressed(boolean value) {
    return new InspectRequest(credentials, deadline, value, candidateBases);
  }

  public InspectRequest withCandidateBases(List<ImageReference> bases) {
    return new InspectRequest(credentials, deadline, uncompressed, bases);
  }

  public InspectRequest withDeadline(Instant value) {
    return new InspectRequest(credentials, value, uncompressed, candidateBases);
  }

  public InspectRequest withCredentials(RegistryCredentials value) {
    return new InspectRequest(value, deadline, uncompressed, candidateBases);
  }
}
