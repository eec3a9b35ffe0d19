package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.RecordedViolation;
import dev.tonnage.registry.Platform;
import java.util.Objects;

/**
 * One rule of one policy broken by one image on one platform.
 *
 * @param policy the policy
 * @param container the container name; empty for a bare image (CLI)
 * @param image the image as written in the workload
 * @param digest the digest the image resolved to (index or manifest)
 * @param platform the platform whose manifest breaks the rule
 * @param rule the rule
 * @param actual what was measured, in human units ({@code 1.2 GiB}, {@code 42}, a base image)
 * @param limit what the policy allows ({@code 500 MiB}, {@code 30}, allowed patterns)
 * @param message a sentence a developer can act on, naming the largest layers for size rules
 * @param remedy what to change, tailored to the rule and the layers
 * @param uncertain true when the measurement cannot decide (an uncompressed size whose bounds
 *     enclose the limit, or that could not be measured); an uncertain violation never denies
 */
public record Violation(
    PolicyRef policy,
    String container,
    String image,
    String digest,
    Platform platform,
    Rule rule,
    String actual,
    String limit,
    String message,
    String remedy,
    boolean uncertain) {

  /** The most characters of an admission warning. */
  public static final int MAX_WARNING_LENGTH = 120;

  public Violation {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
  }

  /**
   * A one-line summary of at most {@value #MAX_WARNING_LENGTH} characters for admission warnings,
   * e.g. {@code slim: ghcr.io/acme/api:1.4 linux/amd64: 1.2 GiB compressed > 500 MiB}.
   */
  public String summary() {
    String what =
        switch (rule) {
          case MAX_COMPRESSED_SIZE -> actual + " compressed > " + limit;
          case MAX_UNCOMPRESSED_SIZE ->
              uncertain
                  ? "uncompressed " + actual + " vs " + limit + ": uncertain"
                  : actual + " uncompressed > " + limit;
          case MAX_LAYERS -> actual + " layers > " + limit;
          case MAX_LAYER_SIZE -> "a layer of " + actual + " > " + limit;
          case MAX_GROWTH -> "grew " + actual + " > " + limit;
          case BASE_IMAGE_DENIED -> "base " + actual + " is denied";
          case BASE_IMAGE_NOT_ALLOWED -> "base " + actual + " is not allowed";
          case BASE_IMAGE_UNKNOWN -> "base image unknown, a known one is required";
        };
    return Warnings.line(policy.name(), image, platform == null ? null : platform.toString(), what);
  }

  /**
   * This violation as the audit records it in the policy status, for the workload {@code kind
   * namespace/name}.
   */
  public RecordedViolation toStatus(String namespace, String kind, String name) {
    RecordedViolation recorded = new RecordedViolation();
    recorded.setNamespace(namespace);
    recorded.setKind(kind);
    recorded.setName(name);
    recorded.setContainer(container);
    recorded.setImage(image);
    recorded.setDigest(digest);
    recorded.setPlatform(platform == null ? null : platform.toString());
    recorded.setRule(rule.name());
    recorded.setActual(actual);
    recorded.setLimit(limit);
    recorded.setMessage(message);
    return recorded;
  }
}
