package dev.tonnage.audit;

/** The reasons of the Events the audit records on violating workloads (docs/audit.md "Events"). */
public enum EventReason {
  ImageTooLarge,
  BaseImageNotAllowed,
  ImageFactsUnavailable
}
