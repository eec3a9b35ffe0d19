package dev.tonnage.policy;

import dev.tonnage.registry.LayerFacts;
import java.util.Optional;

/**
 * Checks one platform of a new image against spec.limits.maxGrowth: its compressed size against
 * that of the image it replaces in the same container, on the same platform.
 */
final class GrowthCheck {

  private static final int STEPS_NAMED = 3;

  private GrowthCheck() {}

  /**
   * The violation when the image {@code image} grew past {@code policy}'s limit over {@code
   * previous}, as {@code diff} measures it; empty within the limit or without one.
   */
  static Optional<Violation> run(
      CompiledPolicy policy,
      String container,
      String image,
      String digest,
      String previous,
      PlatformDiff diff) {
    GrowthLimit limit = policy.maxGrowth();
    long before = diff.before().compressedSize();
    long after = diff.after().compressedSize();
    if (limit == null || !limit.exceededBy(before, after)) {
      return Optional.empty();
    }
    String sizes = ByteSize.format(before) + " -> " + ByteSize.format(after);
    String change = GrowthLimit.change(before, after);
    String steps = diff.stepsSentence(STEPS_NAMED);
    String message =
        "Image "
            + image
            + (container.isEmpty() ? "" : " in container \"" + container + "\"")
            + " on "
            + diff.platform()
            + " grew from "
            + ByteSize.format(before)
            + " ("
            + previous
            + ") to "
            + ByteSize.format(after)
            + " compressed ("
            + change
            + "), over the growth limit of "
            + limit.display()
            + "."
            + (steps.isEmpty() ? "" : " Grown steps: " + steps + ".");
    return Optional.of(
        new Violation(
            policy.ref(),
            container,
            image,
            digest,
            diff.platform(),
            Rule.MAX_GROWTH,
            sizes + " (" + change + ")",
            limit.display(),
            message,
            Remedies.forSize(largestStepCreatedBy(diff)),
            false));
  }

  /** The full history text of the step that grew most, for remedies that read its flags. */
  private static String largestStepCreatedBy(PlatformDiff diff) {
    if (diff.steps().isEmpty()) {
      return null;
    }
    BuildStep step = diff.steps().get(0).step();
    return diff.after().layers().stream()
        .map(LayerFacts::createdBy)
        .filter(createdBy -> BuildStep.of(createdBy).equals(step))
        .findFirst()
        .orElse(null);
  }
}
