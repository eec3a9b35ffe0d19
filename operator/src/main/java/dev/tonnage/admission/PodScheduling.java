package dev.tonnage.admission;

import java.util.List;
import java.util.Map;

/**
 * A pod's constraints on the platform of the node it may run on: {@code kubernetes.io/arch} and
 * {@code kubernetes.io/os} from its nodeSelector and its required node affinity. Requirements on
 * other labels are dropped, which can only widen the set of platforms checked, never narrow it.
 *
 * @param nodeSelector nodeSelector entries for the platform labels
 * @param requiredTerms required node affinity terms (OR'ed), each a list of requirements (AND'ed)
 *     on the platform labels; empty when there is no required node affinity
 */
public record PodScheduling(
    Map<String, String> nodeSelector, List<List<NodeRequirement>> requiredTerms) {

  public static final String ARCH_LABEL = "kubernetes.io/arch";
  public static final String OS_LABEL = "kubernetes.io/os";
  public static final PodScheduling ANY = new PodScheduling(Map.of(), List.of());

  public PodScheduling {
    nodeSelector = Map.copyOf(nodeSelector);
    requiredTerms = requiredTerms.stream().map(List::copyOf).toList();
  }

  /**
   * One node selector requirement.
   *
   * @param key the label key
   * @param operator In, NotIn, Exists, DoesNotExist (Gt/Lt do not apply to these labels)
   * @param values the values for In and NotIn
   */
  public record NodeRequirement(String key, String operator, List<String> values) {
    public NodeRequirement {
      values = List.copyOf(values);
    }
  }
}
