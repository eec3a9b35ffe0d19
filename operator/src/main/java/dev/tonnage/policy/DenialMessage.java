package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The admission denial: one line per denying violation, the first with its remedy, cut to fit
 * {@link Evaluation#MAX_DENIAL_BYTES}. Repeats of a rule for the same container on other platforms
 * are counted, not repeated.
 */
final class DenialMessage {

  private static final String HEADER = "Tonnage denied this workload:";
  private static final String ELLIPSIS = "…";
  // Room kept for the "(N more ...)" line.
  private static final int TRAILER_ROOM = 64;

  private DenialMessage() {}

  static String of(List<PolicyVerdict> verdicts) {
    List<String> lines = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int repeats = 0;
    for (PolicyVerdict verdict : verdicts) {
      if (!verdict.denies()) {
        continue;
      }
      for (Violation v : verdict.certainViolations()) {
        if (!seen.add(v.policy() + "|" + v.container() + "|" + v.image() + "|" + v.rule())) {
          repeats++;
          continue;
        }
        String line = "- " + v.policy() + ": " + v.message();
        lines.add(lines.isEmpty() && v.remedy() != null ? line + " Fix: " + v.remedy() : line);
      }
      for (UnavailableFacts u : verdict.unavailable()) {
        if (verdict.onRegistryError() == RegistryErrorAction.DENY) {
          lines.add(
              "- "
                  + verdict.policy()
                  + ": the facts of image "
                  + u.image()
                  + " could not be read ("
                  + u.reason()
                  + ": "
                  + u.message()
                  + ") and the policy denies on registry errors (onRegistryError: Deny).");
        }
      }
    }
    StringBuilder out = new StringBuilder(HEADER);
    int budget = Evaluation.MAX_DENIAL_BYTES - 1 - TRAILER_ROOM;
    int omitted = 0;
    for (String line : lines) {
      String candidate = "\n" + line;
      int left = budget - bytes(out);
      if (bytes(candidate) <= left) {
        out.append(candidate);
      } else if (out.toString().equals(HEADER)) {
        out.append(cut(candidate, left));
      } else {
        omitted++;
      }
    }
    if (omitted + repeats > 0) {
      out.append("\n(")
          .append(omitted + repeats)
          .append(" more; run `tonnage check` on the image for all)");
    }
    return out.toString();
  }

  private static int bytes(CharSequence text) {
    return text.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  private static String cut(String text, int maxBytes) {
    String s = text;
    while (bytes(s) + bytes(ELLIPSIS) > maxBytes && !s.isEmpty()) {
      s = s.substring(0, s.length() - 1);
    }
    return s + ELLIPSIS;
  }
}
