package dev.tonnage.cli;

import dev.tonnage.admission.AdmissionExemptions;
import dev.tonnage.manifests.ManifestNamespaces;
import dev.tonnage.manifests.ManifestReader;
import dev.tonnage.manifests.Manifests;
import dev.tonnage.manifests.Manifests.ManifestWorkload;
import dev.tonnage.operator.OperatorConfig;
import dev.tonnage.policy.CompiledException;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.ContainerImage;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidReferenceException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The manifests of {@code tonnage check -f}: every container of every workload the webhook reviews,
 * in the context the webhook would give it (namespace, namespace labels, object labels, platforms),
 * with the policies and exceptions found among the manifests. Workloads the webhook never blocks
 * (kube-system, namespaces labelled {@code tonnage.dev/ignore}, mirror Pods) are judged exempt by
 * the webhook's own {@link AdmissionExemptions}.
 */
final class ManifestInputs {

  /**
   * What the manifests hold for the check.
   *
   * @param subjects a subject per container of every workload
   * @param policies the policies found in the manifests
   * @param exceptions the exceptions found in the manifests
   */
  record Found(
      List<CheckSubject> subjects,
      List<CompiledPolicy> policies,
      List<CompiledException> exceptions) {

    static final Found NONE = new Found(List.of(), List.of(), List.of());
  }

  /**
   * What to read and how.
   *
   * @param files the {@code -f} arguments
   * @param namespaceFiles the {@code --namespaces} files; only their Namespace objects count
   * @param namespaceLabels the labels of namespaces no Namespace object describes
   * @param defaultNamespace the namespace of objects that name none
   */
  record Request(
      List<Path> files,
      List<Path> namespaceFiles,
      Map<String, String> namespaceLabels,
      String defaultNamespace) {}

  private ManifestInputs() {}

  /** The subjects, policies and exceptions of {@code request}; problems go to {@code problems}. */
  static Found load(Request request, InputStream stdin, List<String> problems) {
    ManifestReader reader = new ManifestReader(stdin);
    Manifests manifests =
        Manifests.of(reader.read(request.files(), problems), request.defaultNamespace(), problems);
    Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
    Manifests.of(reader.read(request.namespaceFiles(), problems), "", problems)
        .namespaceLabels()
        .forEach(namespaces::put);
    namespaces.putAll(manifests.namespaceLabels());
    ManifestNamespaces labels = new ManifestNamespaces(namespaces, request.namespaceLabels());
    AdmissionExemptions exemptions =
        new AdmissionExemptions(Set.of(OperatorConfig.KUBE_SYSTEM), labels);
    List<CheckSubject> subjects = new ArrayList<>();
    for (ManifestWorkload found : manifests.workloads()) {
      Optional<String> exempt = exemptions.reason(found.request(), found.workload(), null);
      for (ContainerImage container : found.workload().containers()) {
        ImageReference reference;
        try {
          reference = ImageReference.parse(container.image());
        } catch (InvalidReferenceException e) {
          problems.add(
              found.object().where()
                  + ": "
                  + found.locationOf(container.name()).objectAndContainer()
                  + ": "
                  + e.getMessage());
          continue;
        }
        WorkloadContext context =
            new WorkloadContext(
                found.workload().kind().kind(),
                found.workload().namespace(),
                labels.labelsOf(found.workload().namespace()),
                found.workload().name(),
                found.workload().labels(),
                List.of(container),
                found.workload().template().platforms());
        subjects.add(
            new CheckSubject(
                container.image(),
                reference,
                context,
                found.locationOf(container.name()),
                exempt.orElse(null)));
      }
    }
    return new Found(subjects, manifests.policies(), manifests.exceptions());
  }
}
