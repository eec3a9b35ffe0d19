package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.ExceptionMatch;
import dev.tonnage.api.v1alpha1.ExceptionPolicyRef;
import dev.tonnage.api.v1alpha1.ImagePolicyException;
import dev.tonnage.api.v1alpha1.ImagePolicyExceptionSpec;
import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An ImagePolicyException checked and compiled once: which policies, rules, namespaces, workloads
 * and images it waives, and until when. Immutable; {@link ExceptionMatcher} decides with it.
 */
public final class CompiledException {

  private final String namespace;
  private final String name;
  private final Set<String> policies;
  private final Set<String> rules;
  private final Set<String> namespaces;
  private final LabelSelectorMatcher objectSelector;
  private final List<ImageGlob> images;
  private final Instant expiresAt;
  private final String reason;

  private CompiledException(
      String namespace,
      String name,
      Set<String> policies,
      Set<String> rules,
      Set<String> namespaces,
      LabelSelectorMatcher objectSelector,
      List<ImageGlob> images,
      Instant expiresAt,
      String reason) {
    this.namespace = namespace;
    this.name = name;
    this.policies = Set.copyOf(policies);
    this.rules = Set.copyOf(rules);
    this.namespaces = Set.copyOf(namespaces);
    this.objectSelector = objectSelector;
    this.images = List.copyOf(images);
    this.expiresAt = expiresAt;
    this.reason = reason;
  }

  /**
   * Compiles {@code exception}, or throws {@link InvalidPolicyException} naming every field that is
   * wrong.
   */
  public static CompiledException compile(ImagePolicyException exception) {
    String namespace = exception.getMetadata().getNamespace();
    String name = Objects.requireNonNull(exception.getMetadata().getName(), "metadata.name");
    String subject =
        ImagePolicyException.KIND + " " + (namespace == null ? name : namespace + "/" + name);
    ImagePolicyExceptionSpec spec = exception.getSpec();
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      throw new InvalidPolicyException(subject, List.of("spec: is required"));
    }
    String reason = spec.getReason();
    if (reason == null || reason.isBlank()) {
      problems.add("spec.reason: is required: say why the exception was granted");
    } else if (reason.length() > ImagePolicyExceptionSpec.MAX_REASON_LENGTH) {
      problems.add(
          "spec.reason: is "
              + reason.length()
              + " characters long; at most "
              + ImagePolicyExceptionSpec.MAX_REASON_LENGTH
              + " are allowed");
    }
    Set<String> policies = policies(spec.getPolicies(), problems);
    Set<String> rules = rules(spec.getRules(), problems);
    ExceptionMatch match = spec.getMatch() == null ? new ExceptionMatch() : spec.getMatch();
    Set<String> namespaces =
        CompiledPolicy.namespaces(match.getNamespaces(), "spec.match.namespaces", problems);
    LabelSelectorMatcher selector =
        LabelSelectorMatcher.compile(
            match.getObjectSelector(), "spec.match.objectSelector", problems);
    List<ImageGlob> images = CompiledPolicy.globs(match.getImages(), "spec.match.images", problems);
    Instant expiresAt = expiry(spec.getExpiresAt(), problems);
    if (!problems.isEmpty()) {
      throw new InvalidPolicyException(subject, problems);
    }
    return new CompiledException(
        namespace, name, policies, rules, namespaces, selector, images, expiresAt, reason);
  }

  private static List<ImageGlob> tooManyPatterns(List<String> patterns, List<String> problems) {
    problems.add(
        "spec.match.images: has "
            + patterns.size()
            + " entries; at most "
            + ImagePolicySpec.MAX_PATTERNS
            + " are allowed");
    return List.of();
  }

  private static Set<String> policies(List<ExceptionPolicyRef> refs, List<String> problems) {
    Set<String> result = new LinkedHashSet<>();
    if (refs == null) {
      return result;
    }
    tooMany(refs, "spec.policies", problems);
    for (int i = 0; i < refs.size() && i < ImagePolicyExceptionSpec.MAX_ENTRIES; i++) {
      ExceptionPolicyRef ref = refs.get(i);
      Optional<PolicyKind> kind =
          ref == null ? Optional.empty() : PolicyKind.fromKind(ref.getKind());
      if (kind.isEmpty()) {
        problems.add("spec.policies[" + i + "].kind: is ClusterImagePolicy or ImagePolicy");
      } else if (ref.getName() == null || ref.getName().isEmpty() || ref.getName().length() > 253) {
        problems.add("spec.policies[" + i + "].name: a policy name has 1 to 253 characters");
      } else {
        result.add(policyKey(kind.get(), ref.getName()));
      }
    }
    return result;
  }

  private static Set<String> rules(List<String> names, List<String> problems) {
    Set<String> known = new LinkedHashSet<>();
    for (Rule rule : Rule.values()) {
      known.add(rule.exceptionName());
    }
    Set<String> result = new LinkedHashSet<>();
    if (names == null) {
      return result;
    }
    tooMany(names, "spec.rules", problems);
    for (int i = 0; i < names.size() && i < ImagePolicyExceptionSpec.MAX_ENTRIES; i++) {
      String rule = names.get(i);
      if (known.contains(rule)) {
        result.add(rule);
      } else {
        problems.add(
            "spec.rules["
                + i
                + "]: \""
                + Warnings.fit(String.valueOf(rule), 64)
                + "\" is not a rule; use one of "
                + String.join(", ", known));
      }
    }
    return result;
  }

  private static Instant expiry(String text, List<String> problems) {
    if (text == null) {
      return null;
    }
    if (text.length() > 64) {
      problems.add("spec.expiresAt: is not an RFC 3339 time such as 2027-03-31T00:00:00Z");
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      problems.add(
          "spec.expiresAt: \"" + text + "\" is not an RFC 3339 time such as 2027-03-31T00:00:00Z");
      return null;
    }
  }

  private static void tooMany(List<?> list, String path, List<String> problems) {
    if (list.size() > ImagePolicyExceptionSpec.MAX_ENTRIES) {
      problems.add(
          path
              + ": has "
              + list.size()
              + " entries; at most "
              + ImagePolicyExceptionSpec.MAX_ENTRIES
              + " are allowed");
    }
  }

  private static String policyKey(PolicyKind kind, String name) {
    return kind.kind() + "/" + name;
  }

  /** Whether this exception, at {@code now}, waives {@code violation} of {@code context}. */
  boolean waives(
      Violation violation, WorkloadContext context, String normalizedImage, Instant now) {
    return !expiredAt(now)
        && (policies.isEmpty()
            || policies.contains(policyKey(violation.policy().kind(), violation.policy().name())))
        && (rules.isEmpty() || rules.contains(violation.rule().exceptionName()))
        && matchesWorkload(context)
        && (images.isEmpty() || images.stream().anyMatch(g -> g.matches(normalizedImage)));
  }

  /**
   * A bare image (tonnage check IMAGE) has no namespace and no labels: an exception that names
   * namespaces or selects objects cannot be shown to cover it, so it does not.
   */
  private boolean matchesWorkload(WorkloadContext context) {
    if (context.isBareImage()) {
      return namespaces.isEmpty() && objectSelector.matchesEverything();
    }
    return (namespaces.isEmpty() || namespaces.contains(context.namespace()))
        && objectSelector.matches(context.labels());
  }

  /** Whether the exception has expired at {@code now}: it applies strictly before expiresAt. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** {@code namespace/name}, as warnings and Events name it. */
  public String displayName() {
    return namespace == null ? name : namespace + "/" + name;
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  /** When it stops applying; empty when it never expires. */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  public String reason() {
    return reason;
  }
}
