package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Warning Events on workloads, as {@code kubectl describe} shows them. A failed
 * write is logged and dropped: an Event is advice, never a reason to fail an audit.
 */
public final class KubernetesWorkloadEvents implements WorkloadEvents {

  static final String COMPONENT = "tonnage-audit";
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesWorkloadEvents.class);

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;

  /**
   * @param instance this replica's identity (e.g. the Pod name), recorded as reportingInstance
   */
  public KubernetesWorkloadEvents(KubernetesClient client, String instance, Clock clock) {
    this.client = client;
    this.instance = instance;
    this.clock = clock;
  }

  @Override
  public void warn(WorkloadRef workload, EventReason reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(workload.name().toLowerCase(Locale.ROOT) + ".")
            .withNamespace(workload.namespace())
            .endMetadata()
            .withInvolvedObject(workload.toObjectReference())
            .withType("Warning")
            .withReason(reason.name())
            // Cut by serialized bytes, never inside a surrogate pair (which would not serialize).
            .withMessage(StatusLimits.fit(message, StatusLimits.MAX_MESSAGE_BYTES))
            .withNewSource(COMPONENT, null)
            .withReportingComponent(COMPONENT)
            .withReportingInstance(instance)
            .withAction("Audit")
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(workload.namespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record {} Event on {}: {}", reason, workload, e.getMessage());
    }
  }
}
