package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.RecordedViolation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/**
 * Caps on what a policy status carries, so that it stays far below the API server's object size
 * limit (1.5 MiB by default) whatever images, registries and other writers put into it: a status
 * the API server refuses would leave the policy stuck at its last written state.
 *
 * <p>Every cap counts the bytes the value takes in the JSON the API server stores (UTF-8, with
 * {@code "} and {@code \} escaped). Control characters become spaces and lone surrogates U+FFFD, so
 * nothing expands further when serialized and nothing fails to serialize. Worst case: 50 violations
 * × (512 + 1,024 + 9 × 253 bytes of values + about 130 bytes of keys) plus 8 conditions × (1,024 +
 * 5 × 253 + about 90) is about 222 KB, under a sixth of the limit.
 */
final class StatusLimits {

  /** Longest image reference in a violation, in bytes: real references are far shorter. */
  static final int MAX_IMAGE_BYTES = 512;

  /** Longest violation or condition message, in bytes: a sentence or two, never a dump. */
  static final int MAX_MESSAGE_BYTES = 1024;

  /**
   * Longest other field (namespace, kind, name, container, digest, platform, rule, actual, limit;
   * condition type, status, reason, times): a Kubernetes name is at most 253 characters.
   */
  static final int MAX_FIELD_BYTES = 253;

  /** Most conditions kept: the audit owns one (Ready); others' are kept up to this many. */
  static final int MAX_CONDITIONS = 8;

  private static final String ELLIPSIS = "…";
  private static final int ELLIPSIS_BYTES = 3;

  private StatusLimits() {}

  /** A copy of {@code v} with every field within its cap. */
  static RecordedViolation capped(RecordedViolation v) {
    RecordedViolation c = new RecordedViolation();
    c.setNamespace(fit(v.getNamespace(), MAX_FIELD_BYTES));
    c.setKind(fit(v.getKind(), MAX_FIELD_BYTES));
    c.setName(fit(v.getName(), MAX_FIELD_BYTES));
    c.setContainer(fit(v.getContainer(), MAX_FIELD_BYTES));
    c.setImage(fit(v.getImage(), MAX_IMAGE_BYTES));
    c.setDigest(fit(v.getDigest(), MAX_FIELD_BYTES));
    c.setPlatform(fit(v.getPlatform(), MAX_FIELD_BYTES));
    c.setRule(fit(v.getRule(), MAX_FIELD_BYTES));
    c.setActual(fit(v.getActual(), MAX_FIELD_BYTES));
    c.setLimit(fit(v.getLimit(), MAX_FIELD_BYTES));
    c.setMessage(fit(v.getMessage(), MAX_MESSAGE_BYTES));
    return c;
  }

  /** A copy of {@code c} with every field within its cap. */
  static Condition capped(Condition c) {
    return new ConditionBuilder()
        .withType(fit(c.getType(), MAX_FIELD_BYTES))
        .withStatus(fit(c.getStatus(), MAX_FIELD_BYTES))
        .withReason(fit(c.getReason(), MAX_FIELD_BYTES))
        .withMessage(fit(c.getMessage(), MAX_MESSAGE_BYTES))
        .withObservedGeneration(c.getObservedGeneration())
        .withLastTransitionTime(fit(c.getLastTransitionTime(), MAX_FIELD_BYTES))
        .build();
  }

  /**
   * {@code value} cleaned (control characters to spaces, lone surrogates to U+FFFD) and cut at a
   * character boundary so that its JSON string body takes at most {@code maxBytes}; a cut value
   * ends with "…". Linear in the length of what is kept; null stays null.
   */
  static String fit(String value, int maxBytes) {
    if (value == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), maxBytes));
    int bytes = 0;
    int keptAtBudget = -1; // length of out when it last fitted with room for the ellipsis
    int i = 0;
    while (i < value.length()) {
      char ch = value.charAt(i);
      int codePoint;
      int width;
      if (Character.isHighSurrogate(ch)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        codePoint = Character.toCodePoint(ch, value.charAt(i + 1));
        width = 2;
      } else if (Character.isSurrogate(ch)) {
        codePoint = 0xFFFD;
        width = 1;
      } else if (ch < 0x20 || ch == 0x7F) {
        codePoint = ' ';
        width = 1;
      } else {
        codePoint = ch;
        width = 1;
      }
      int size = jsonBytes(codePoint);
      if (bytes + size <= maxBytes - ELLIPSIS_BYTES) {
        keptAtBudget = out.length() + Character.charCount(codePoint);
      }
      if (bytes + size > maxBytes) {
        out.setLength(Math.max(0, keptAtBudget));
        return out.append(ELLIPSIS).toString();
      }
      out.appendCodePoint(codePoint);
      bytes += size;
      i += width;
    }
    return out.toString();
  }

  private static int jsonBytes(int codePoint) {
    if (codePoint == '"' || codePoint == '\\') {
      return 2;
    }
    if (codePoint < 0x80) {
      return 1;
    }
    if (codePoint < 0x800) {
      return 2;
    }
    return codePoint < 0x10000 ? 3 : 4;
  }
}
