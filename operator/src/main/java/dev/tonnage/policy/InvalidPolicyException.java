package dev.tonnage.policy;

import java.util.List;

/**
 * A policy that cannot be compiled or read. Each problem names the field path and the reason, e.g.
 * {@code spec.match.images[2]: "ghcr.io/acme/***" ...}; the message names the policy (and the file,
 * for policies read from YAML).
 */
public final class InvalidPolicyException extends IllegalArgumentException {

  private final String subject;
  private final List<String> problems;

  public InvalidPolicyException(String subject, List<String> problems) {
    super(subject + " is invalid: " + String.join("; ", problems));
    this.subject = subject;
    this.problems = List.copyOf(problems);
  }

  /** What is invalid: a policy, or a file and document. */
  public String subject() {
    return subject;
  }

  /** One line per problem, each starting with the field path. */
  public List<String> problems() {
    return problems;
  }
}
