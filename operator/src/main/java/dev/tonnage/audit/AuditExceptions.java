package dev.tonnage.audit;

import dev.tonnage.policy.ExceptionSource;
import dev.tonnage.policy.PolicyRef;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The exceptions an audit applies, and where it reports what they waived.
 *
 * @param source the trusted exceptions; a new matcher means they changed or one expired
 * @param matches told after each audit of a policy how many workloads each exception ({@code
 *     namespace/name}) waived
 */
public record AuditExceptions(
    ExceptionSource source, BiConsumer<PolicyRef, Map<String, Integer>> matches) {

  /** No exception is in force. */
  public static final AuditExceptions NONE =
      new AuditExceptions(ExceptionSource.NONE, (policy, counts) -> {});
}
