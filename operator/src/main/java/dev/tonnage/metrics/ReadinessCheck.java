package dev.tonnage.metrics;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One condition {@code /readyz} waits for, e.g. informers synced, TLS material loaded, webhook
 * listening. {@link #ready()} is called on every probe: keep it cheap and non-blocking.
 */
public interface ReadinessCheck {
  /** A short stable name shown when the check fails, e.g. {@code cluster-caches}. */
  String name();

  /** Whether this part of the operator can serve now. */
  boolean ready();

  /** A check from a name and a condition. */
  static ReadinessCheck of(String name, BooleanSupplier ready) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ready, "ready");
    return new ReadinessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean ready() {
        return ready.getAsBoolean();
      }
    };
  }
}
