package dev.tonnage.testing.process;

/** Answers whether a starting component serves requests yet; exceptions count as "not yet". */
@FunctionalInterface
public interface ReadinessProbe {

  boolean isReady() throws Exception;
}
