package dev.tonnage.manifests;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.admission.AdmissionRequest;
import dev.tonnage.admission.Workload;
import dev.tonnage.admission.WorkloadKind;
import dev.tonnage.admission.WorkloadReader;
import dev.tonnage.policy.CompiledException;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a set of manifests holds for {@code tonnage check}: the workloads the webhook would review
 * (read by the webhook's own {@link WorkloadReader}), the labels of the Namespace objects, and the
 * ClusterImagePolicies, ImagePolicies and ImagePolicyExceptions among them. Other kinds are passed
 * over, as the webhook never sees them.
 *
 * @param workloads every workload object, with where it was found
 * @param namespaceLabels the labels of each Namespace object, by name
 * @param policies the policies found, compiled
 * @param exceptions the exceptions found, compiled
 */
public record Manifests(
    List<ManifestWorkload> workloads,
    Map<String, Map<String, String>> namespaceLabels,
    List<CompiledPolicy> policies,
    List<CompiledException> exceptions) {

  /** The API server sets this label on every namespace to its name; selectors may use it. */
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";

  public Manifests {
    workloads = List.copyOf(workloads);
    namespaceLabels = Map.copyOf(namespaceLabels);
    policies = List.copyOf(policies);
    exceptions = List.copyOf(exceptions);
  }

  /**
   * A workload object and where it is.
   *
   * @param object the manifest object
   * @param workload as the webhook reads it, in the namespace it is checked in
   * @param request the admission request the API server would send for creating it
   */
  public record ManifestWorkload(
      ManifestObject object, Workload workload, AdmissionRequest request) {

    /** Where {@code container} of this workload is. */
    public ManifestLocation locationOf(String container) {
      return new ManifestLocation(
          object.source(),
          object.document(),
          object.line(),
          workload.kind().kind(),
          workload.namespace(),
          workload.name(),
          container);
    }
  }

  /**
   * Sorts {@code objects}; what cannot be read is added to {@code problems}.
   *
   * @param defaultNamespace the namespace of objects that name none, as {@code kubectl apply -n}
   */
  public static Manifests of(
      List<ManifestObject> objects, String defaultNamespace, List<String> problems) {
    WorkloadReader reader = new WorkloadReader(new ObjectMapper());
    List<ManifestWorkload> workloads = new ArrayList<>();
    Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
    List<CompiledPolicy> policies = new ArrayList<>();
    List<CompiledException> exceptions = new ArrayList<>();
    for (ManifestObject object : objects) {
      String where = object.where() + ": ";
      if (PolicyDocuments.isPolicy(object.node())) {
        PolicyDocuments.policy(where, object.node(), problems).ifPresent(policies::add);
      } else if (PolicyDocuments.isException(object.node())) {
        PolicyDocuments.exception(where, object.node(), problems).ifPresent(exceptions::add);
      } else if (object.group().isEmpty() && object.kind().equals("Namespace")) {
        namespaces.put(
            object.name(), WorkloadReader.stringMap(object.node().path("metadata").path("labels")));
      } else {
        workload(reader, object, defaultNamespace, problems).ifPresent(workloads::add);
      }
    }
    return new Manifests(workloads, namespaces, policies, exceptions);
  }

  private static Optional<ManifestWorkload> workload(
      WorkloadReader reader,
      ManifestObject object,
      String defaultNamespace,
      List<String> problems) {
    Optional<WorkloadKind> kind = WorkloadKind.of(object.group(), object.kind());
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    String namespace = object.namespace().isEmpty() ? defaultNamespace : object.namespace();
    AdmissionRequest request =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "",
            kind.get().group(),
            object.version(),
            kind.get().kind(),
            kind.get().resource(),
            "",
            AdmissionRequest.Operation.CREATE,
            namespace,
            object.name(),
            true,
            object.node(),
            null);
    Optional<Workload> workload = reader.read(request, object.node());
    if (workload.isEmpty()) {
      problems.add(
          object.where()
              + ": "
              + object.kind()
              + " "
              + object.name()
              + ": its pod spec cannot be read; the API server would refuse it");
      return Optional.empty();
    }
    return Optional.of(new ManifestWorkload(object, workload.get(), request));
  }
}
