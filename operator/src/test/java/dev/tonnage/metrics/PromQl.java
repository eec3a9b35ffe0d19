package dev.tonnage.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A rough PromQL reader for tests: finds the metric selectors of an expression so dashboards and
 * alerts can be checked against what Tonnage really exports. Not a parser: it knows strings,
 * ranges, label matchers, grouping clauses, functions and keywords, which is all our queries use.
 */
final class PromQl {
  /** One vector selector: the metric name and the raw text between its braces (may be empty). */
  record Selector(String metric, String matchers) {}

  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");
  private static final Set<String> GROUPING =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private PromQl() {}

  static List<Selector> selectors(String expr) {
    List<Selector> found = new ArrayList<>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
      } else if (c == '[') {
        i = expr.indexOf(']', i) + 1;
      } else if (c == '{') {
        i = closing(expr, i, '}') + 1;
      } else if (c == '$') {
        i = endOfWord(expr, i + 1);
      } else if (Character.isDigit(c) || c == '.') {
        i = endOfWord(expr, i);
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int end = endOfWord(expr, i);
        String word = expr.substring(i, end);
        int next = skipSpaces(expr, end);
        char after = next < expr.length() ? expr.charAt(next) : ' ';
        if (GROUPING.contains(word)) {
          i = after == '(' ? closing(expr, next, ')') + 1 : next;
        } else if (KEYWORDS.contains(word) || after == '(' || groupingFollows(expr, next)) {
          i = end;
        } else if (after == '{') {
          int close = closing(expr, next, '}');
          found.add(new Selector(word, expr.substring(next + 1, close)));
          i = close + 1;
        } else {
          found.add(new Selector(word, ""));
          i = end;
        }
      } else {
        i++;
      }
    }
    return found;
  }

  /** Whether a grouping clause starts at {@code at}: {@code sum by (x) (...)} is a call. */
  private static boolean groupingFollows(String expr, int at) {
    return GROUPING.contains(expr.substring(at, endOfWord(expr, at)));
  }

  private static int endOfWord(String expr, int from) {
    int i = from;
    while (i < expr.length()
        && (Character.isLetterOrDigit(expr.charAt(i))
            || expr.charAt(i) == '_'
            || expr.charAt(i) == ':'
            || expr.charAt(i) == '.')) {
      i++;
    }
    return i;
  }

  private static int skipSpaces(String expr, int from) {
    int i = from;
    while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipString(String expr, int open) {
    char quote = expr.charAt(open);
    int i = open + 1;
    while (expr.charAt(i) != quote) {
      i += expr.charAt(i) == '\\' ? 2 : 1;
    }
    return i + 1;
  }

  /** The index of the bracket closing the one at {@code open}, strings skipped. */
  private static int closing(String expr, int open, char close) {
    int i = open + 1;
    while (expr.charAt(i) != close) {
      char c = expr.charAt(i);
      i = (c == '"' || c == '\'' || c == '`') ? skipString(expr, i) : i + 1;
    }
    return i;
  }
}
