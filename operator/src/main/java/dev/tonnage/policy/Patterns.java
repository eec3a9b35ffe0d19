package dev.tonnage.policy;

import java.util.List;

/** Lists of patterns in messages: the first few, then a count. */
final class Patterns {

  private static final int SHOWN = 4;

  private Patterns() {}

  /** {@code a, b, c, d and 3 more}. */
  static String list(List<String> patterns) {
    if (patterns.size() <= SHOWN) {
      return String.join(", ", patterns);
    }
    return String.join(", ", patterns.subList(0, SHOWN))
        + " and "
        + (patterns.size() - SHOWN)
        + " more";
  }
}
