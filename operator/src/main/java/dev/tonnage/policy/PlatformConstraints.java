package dev.tonnage.policy;

import dev.tonnage.registry.Platform;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a Pod can be scheduled, as far as image platforms go: the {@code kubernetes.io/os} and
 * {@code kubernetes.io/arch} requirements of its nodeSelector (all must hold) and of its required
 * node affinity (any one term must hold). Requirements on other node labels are dropped: they do
 * not narrow the platforms.
 *
 * @param required requirements that must all hold (from the nodeSelector)
 * @param anyOf terms of which one must hold (from required node affinity); empty: no constraint
 */
public record PlatformConstraints(
    List<LabelRequirement> required, List<List<LabelRequirement>> anyOf) {

  public static final String OS_LABEL = "kubernetes.io/os";
  public static final String ARCH_LABEL = "kubernetes.io/arch";
  private static final Set<String> PLATFORM_LABELS =
      Set.of(OS_LABEL, ARCH_LABEL, "beta.kubernetes.io/os", "beta.kubernetes.io/arch");

  /** No constraint: every platform of an image is checked. */
  public static final PlatformConstraints NONE = new PlatformConstraints(List.of(), List.of());

  public PlatformConstraints {
    required = List.copyOf(required);
    anyOf = anyOf.stream().map(List::copyOf).toList();
    // A term without platform requirements admits every platform, and so does the whole OR.
    if (anyOf.stream().anyMatch(List::isEmpty)) {
      anyOf = List.of();
    }
  }

  /** The constraints of a Pod spec (a Pod's or a workload's Pod template). */
  public static PlatformConstraints of(PodSpec pod) {
    if (pod == null) {
      return NONE;
    }
    List<LabelRequirement> required = new ArrayList<>();
    Map<String, String> nodeSelector = pod.getNodeSelector();
    if (nodeSelector != null) {
      nodeSelector.forEach(
          (key, value) -> {
            if (PLATFORM_LABELS.contains(key) && value != null) {
              required.add(LabelRequirement.equalTo(key, value));
            }
          });
    }
    List<List<LabelRequirement>> anyOf = new ArrayList<>();
    for (NodeSelectorTerm term : requiredTerms(pod)) {
      List<LabelRequirement> requirements = new ArrayList<>();
      for (NodeSelectorRequirement e :
          term.getMatchExpressions() == null
              ? List.<NodeSelectorRequirement>of()
              : term.getMatchExpressions()) {
        if (PLATFORM_LABELS.contains(e.getKey())) {
          // Invalid parts were refused by the API server; Gt and Lt do not apply to platforms.
          LabelRequirement r =
              LabelSelectorMatcher.requirement(
                  e.getKey(), e.getOperator(), e.getValues(), "", new ArrayList<>());
          if (r != null) {
            requirements.add(r);
          }
        }
      }
      anyOf.add(requirements);
    }
    return new PlatformConstraints(required, anyOf);
  }

  /**
   * Constraints admitting exactly the os/arch pairs of {@code platforms} (variants are not node
   * labels and are ignored); empty: no constraint.
   */
  public static PlatformConstraints forPlatforms(List<Platform> platforms) {
    List<List<LabelRequirement>> terms = new ArrayList<>();
    for (Platform p : platforms) {
      terms.add(
          List.of(
              LabelRequirement.equalTo(OS_LABEL, p.os()),
              LabelRequirement.equalTo(ARCH_LABEL, p.architecture())));
    }
    return new PlatformConstraints(List.of(), terms);
  }

  /** Whether a node of {@code platform} could run the Pod. */
  public boolean admits(Platform platform) {
    Map<String, String> labels =
        Map.of(
            OS_LABEL,
            platform.os(),
            ARCH_LABEL,
            platform.architecture(),
            "beta.kubernetes.io/os",
            platform.os(),
            "beta.kubernetes.io/arch",
            platform.architecture());
    if (!required.stream().allMatch(r -> r.matches(labels))) {
      return false;
    }
    return anyOf.isEmpty()
        || anyOf.stream().anyMatch(term -> term.stream().allMatch(r -> r.matches(labels)));
  }

  /** Whether nothing narrows the platforms. */
  public boolean isUnconstrained() {
    return required.isEmpty() && anyOf.isEmpty();
  }

  private static List<NodeSelectorTerm> requiredTerms(PodSpec pod) {
    Affinity affinity = pod.getAffinity();
    NodeAffinity node = affinity == null ? null : affinity.getNodeAffinity();
    NodeSelector selector =
        node == null ? null : node.getRequiredDuringSchedulingIgnoredDuringExecution();
    return selector == null || selector.getNodeSelectorTerms() == null
        ? List.of()
        : selector.getNodeSelectorTerms();
  }
}
