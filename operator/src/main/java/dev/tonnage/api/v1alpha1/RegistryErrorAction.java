package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an Enforce policy does when an image's facts cannot be had in time. */
public enum RegistryErrorAction {
  /** Admit, with a warning and an event. */
  @JsonProperty("Allow")
  ALLOW,
  /** Deny admission. */
  @JsonProperty("Deny")
  DENY
}
