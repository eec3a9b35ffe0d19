package dev.tonnage.operator;

import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.InvalidPolicyException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The compiled policies of one kind, keyed by policy, failing closed: an edit that passes the
 * schema but does not compile leaves the last version that compiled in force; a policy that never
 * compiled is not in force; a deleted one is gone. Thread-safe.
 */
final class CompiledPolicies {

  /** What an update did to the policy in force. */
  sealed interface Outcome {
    /** The new generation compiled and is in force. */
    record Compiled(CompiledPolicy policy) implements Outcome {}

    /** The new generation does not compile; {@code inForceGeneration} stays in force. */
    record KeptPrevious(long inForceGeneration, InvalidPolicyException error) implements Outcome {}

    /** The policy does not compile and no earlier generation did: nothing is in force. */
    record NotInForce(InvalidPolicyException error) implements Outcome {}

    /** This generation or a later one was handled already (e.g. only the status changed). */
    record Unchanged() implements Outcome {}
  }

  private record Entry(CompiledPolicy inForce, long inForceGeneration, long lastSeenGeneration) {}

  private final Map<String, Entry> byKey = new ConcurrentHashMap<>();

  /**
   * Compiles generation {@code generation} of the policy {@code key} with {@code compile} (which
   * throws {@link InvalidPolicyException}); generation 0 means unknown and is always compiled.
   */
  Outcome update(String key, long generation, Supplier<CompiledPolicy> compile) {
    Outcome[] outcome = new Outcome[1];
    byKey.compute(
        key,
        (k, previous) -> {
          // The same generation again (a status update) or an older one (a late event): known.
          if (previous != null && generation > 0 && previous.lastSeenGeneration() >= generation) {
            outcome[0] = new Outcome.Unchanged();
            return previous;
          }
          try {
            CompiledPolicy compiled = compile.get();
            outcome[0] = new Outcome.Compiled(compiled);
            return new Entry(compiled, generation, generation);
          } catch (InvalidPolicyException e) {
            if (previous == null || previous.inForce() == null) {
              outcome[0] = new Outcome.NotInForce(e);
              return new Entry(null, 0, generation);
            }
            outcome[0] = new Outcome.KeptPrevious(previous.inForceGeneration(), e);
            return new Entry(previous.inForce(), previous.inForceGeneration(), generation);
          }
        });
    return outcome[0];
  }

  /** Whether generation {@code generation} (or a later one) of {@code key} was handled. */
  boolean handled(String key, long generation) {
    Entry entry = byKey.get(key);
    return entry != null && entry.lastSeenGeneration() >= generation;
  }

  /** The policy was deleted: it is no longer in force, whatever it was. */
  void remove(String key) {
    byKey.remove(key);
  }

  /** The policies in force, in no particular order. */
  List<CompiledPolicy> inForce() {
    return byKey.values().stream().map(Entry::inForce).filter(p -> p != null).toList();
  }
}
