package dev.tonnage.audit;

/** Records a Warning Event on a workload. */
@FunctionalInterface
public interface WorkloadEvents {

  void warn(WorkloadRef workload, EventReason reason, String message);
}
