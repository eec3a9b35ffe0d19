package dev.tonnage.audit;

import java.util.ArrayList;
import java.util.List;

/** Keeps the Events the audit recorded. */
final class RecordingEvents implements WorkloadEvents {

  record Recorded(WorkloadRef workload, EventReason reason, String message) {}

  final List<Recorded> events = new ArrayList<>();

  @Override
  public synchronized void warn(WorkloadRef workload, EventReason reason, String message) {
    events.add(new Recorded(workload, reason, message));
  }
}
