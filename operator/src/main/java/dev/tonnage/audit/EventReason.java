package dev.tonnage.audit;

/** The reasons of the Events the audit records on violating workloads (DESIGN.md). */
public enum EventReason {
  ImageTooLarge,
  BaseImageNotAllowed,
  ImageFactsUnavailable
}
