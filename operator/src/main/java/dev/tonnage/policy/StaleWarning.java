package dev.tonnage.policy;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.StaleFacts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The one-line warning for facts served past their tag's TTL because the registry could not be
 * asked (stale-if-error), shown in admission warnings and the CLI's notes alike.
 */
public final class StaleWarning {

  private StaleWarning() {}

  /**
   * {@code facts for IMAGE are 3h old: REGISTRY unreachable; serving last known facts}, at most
   * {@value Violation#MAX_WARNING_LENGTH} characters.
   */
  public static String line(ImageFacts facts, StaleFacts stale) {
    String head = "facts for ";
    String tail =
        " are "
            + stale.readableAge()
            + " old: "
            + facts.reference().registry()
            + " "
            + stale.cause()
            + "; serving last known facts";
    int room = Violation.MAX_WARNING_LENGTH - head.length() - tail.length();
    String image = Warnings.displayReference(facts.reference().toString());
    return Warnings.fit(head + Warnings.shorten(image, room) + tail, Violation.MAX_WARNING_LENGTH);
  }

  /** The warnings of the stale facts among {@code outcomes}, in order. */
  public static List<String> of(Collection<FactsOutcome> outcomes) {
    List<String> lines = new ArrayList<>();
    for (FactsOutcome outcome : outcomes) {
      if (outcome instanceof FactsOutcome.Found found && found.facts().stale() != null) {
        lines.add(line(found.facts(), found.facts().stale()));
      }
    }
    return lines;
  }
}
