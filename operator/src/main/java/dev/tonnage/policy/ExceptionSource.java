package dev.tonnage.policy;

/** The trusted ImagePolicyExceptions in force, from a cache: no API call per review. */
@FunctionalInterface
public interface ExceptionSource {

  /** Waives nothing: no exception is in force. */
  ExceptionSource NONE = () -> ExceptionMatcher.NONE;

  /** The matcher over the trusted exceptions now; it checks expiry at each call. */
  ExceptionMatcher exceptions();
}
