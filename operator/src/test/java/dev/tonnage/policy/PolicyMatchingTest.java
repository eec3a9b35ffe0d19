package dev.tonnage.policy;

import static dev.tonnage.policy.Fixtures.MIB;
import static dev.tonnage.policy.Fixtures.image;
import static dev.tonnage.policy.Fixtures.platform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.ImageFacts;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which policies apply to which workloads and images. */
class PolicyMatchingTest {

  private static final String API = "ghcr.io/acme/api:1.4";
  private static final ImageFacts API_FACTS = image(API, platform("linux/amd64", 10 * MIB));
  private static final Map<String, String> PROD = Map.of("env", "prod");

  record Case(
      String name,
      CompiledPolicy policy,
      WorkloadContext context,
      boolean applies,
      String skipReason) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static WorkloadContext in(
      String ns, Map<String, String> nsLabels, Map<String, String> labels) {
    return Fixtures.workload(ns, nsLabels, labels, PlatformConstraints.NONE, API);
  }

  static Stream<Case> cases() {
    WorkloadContext plain = in("shop", Map.of(), Map.of());
    return Stream.of(
        new Case("no match section: every workload", Fixtures.cluster("{}"), plain, true, null),
        new Case(
            "namespaceSelector matches the namespace labels",
            Fixtures.cluster("match: {namespaceSelector: {matchLabels: {env: prod}}}"),
            in("shop", PROD, Map.of()),
            true,
            null),
        new Case(
            "namespaceSelector does not match",
            Fixtures.cluster("match: {namespaceSelector: {matchLabels: {env: prod}}}"),
            in("shop", Map.of("env", "dev"), Map.of()),
            false,
            "spec.match.namespaceSelector does not match namespace shop"),
        new Case(
            "a bare image (CLI) is not selected by namespace",
            Fixtures.cluster("match: {namespaceSelector: {matchLabels: {env: prod}}}"),
            WorkloadContext.forImage(API, PlatformConstraints.NONE),
            true,
            null),
        new Case(
            "a bare image (CLI) is not selected by labels",
            Fixtures.cluster(
                "match: {objectSelector: {matchExpressions: [{key: tier, operator: Exists}]}}"),
            WorkloadContext.forImage(API, PlatformConstraints.NONE),
            true,
            null),
        new Case(
            "a bare image (CLI) is in no excluded namespace",
            Fixtures.cluster("exclude: {namespaces: [default]}"),
            WorkloadContext.forImage(API, PlatformConstraints.NONE),
            true,
            null),
        new Case(
            "a bare image (CLI) is still matched by its reference",
            Fixtures.cluster("match: {images: [\"quay.io/**\"]}"),
            WorkloadContext.forImage(API, PlatformConstraints.NONE),
            false,
            "no image matches its spec.match.images"),
        new Case(
            "objectSelector matchExpressions In",
            Fixtures.cluster(
                "match: {objectSelector: {matchExpressions: [{key: tier, operator: In, values:"
                    + " [web, api]}]}}"),
            in("shop", Map.of(), Map.of("tier", "api")),
            true,
            null),
        new Case(
            "objectSelector Exists fails",
            Fixtures.cluster(
                "match: {objectSelector: {matchExpressions: [{key: tier, operator: Exists}]}}"),
            plain,
            false,
            "spec.match.objectSelector does not match the labels of Pod web-0"),
        new Case(
            "objectSelector DoesNotExist holds",
            Fixtures.cluster(
                "match: {objectSelector: {matchExpressions: [{key: legacy, operator:"
                    + " DoesNotExist}]}}"),
            plain,
            true,
            null),
        new Case(
            "exclude.namespaces",
            Fixtures.cluster("exclude: {namespaces: [kube-system, shop]}"),
            plain,
            false,
            "namespace shop is in spec.exclude.namespaces"),
        new Case(
            "exclude.images",
            Fixtures.cluster("exclude: {images: [\"ghcr.io/acme/api\"]}"),
            plain,
            false,
            "no image matches its spec.match.images"),
        new Case(
            "match.images does not match",
            Fixtures.cluster("match: {images: [\"quay.io/**\"]}"),
            plain,
            false,
            "no image matches its spec.match.images"),
        new Case(
            "match.images matches",
            Fixtures.cluster("match: {images: [\"quay.io/**\", \"ghcr.io/acme/*\"]}"),
            plain,
            true,
            null),
        new Case(
            "ignore label on the namespace",
            Fixtures.cluster("{}"),
            in("shop", Map.of("tonnage.dev/ignore", "true"), Map.of()),
            false,
            "namespace label tonnage.dev/ignore=true opts it out"),
        new Case(
            "ignore label on the object does not opt out",
            Fixtures.cluster("{}"),
            in("shop", Map.of(), Map.of("tonnage.dev/ignore", "true")),
            true,
            null),
        new Case(
            "ignore label other than true",
            Fixtures.cluster("{}"),
            in("shop", Map.of(), Map.of("tonnage.dev/ignore", "yes")),
            true,
            null),
        new Case(
            "ImagePolicy in its own namespace",
            Fixtures.namespaced("shop", "{}"),
            plain,
            true,
            null),
        new Case(
            "ImagePolicy of any namespace for a bare image (CLI)",
            Fixtures.namespaced("shop", "{}"),
            WorkloadContext.forImage(API, PlatformConstraints.NONE),
            true,
            null),
        new Case(
            "ImagePolicy exclude.namespaces of its own",
            Fixtures.namespaced("shop", "exclude: {namespaces: [shop]}"),
            plain,
            false,
            "namespace shop is in spec.exclude.namespaces"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesWhereMatchAndExcludeSay(Case c) {
    Evaluation evaluation =
        PolicyEvaluator.evaluate(List.of(c.policy()), c.context(), Fixtures.found(API_FACTS));
    List<PolicyRef> applied = evaluation.verdicts().stream().map(PolicyVerdict::policy).toList();
    assertThat(applied).hasSize(c.applies() ? 1 : 0);
    if (c.skipReason() != null) {
      assertThat(evaluation.skipped())
          .containsExactly(new SkippedPolicy(c.policy().ref(), c.skipReason()));
    } else {
      assertThat(evaluation.skipped()).isEmpty();
    }
    assertThat(PolicyEvaluator.imagesToInspect(List.of(c.policy()), c.context()))
        .hasSize(c.applies() ? 1 : 0);
  }

  @Test
  void anImagePolicyOfAnotherNamespaceIsNeitherAppliedNorListed() {
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(Fixtures.namespaced("other", "{}")),
            in("shop", Map.of(), Map.of()),
            Fixtures.found(API_FACTS));
    assertThat(evaluation.verdicts()).isEmpty();
    assertThat(evaluation.skipped()).isEmpty();
  }

  @Test
  void everyMatchingPolicyAppliesAndEveryViolationIsReported() {
    CompiledPolicy size = Fixtures.cluster("action: Enforce\nlimits: {maxCompressedSize: 1Mi}");
    CompiledPolicy layers = Fixtures.namespaced("shop", "limits: {maxLayers: 0}");
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(size, layers), in("shop", Map.of(), Map.of()), Fixtures.found(API_FACTS));
    assertThat(evaluation.verdicts())
        .extracting(PolicyVerdict::policy)
        .containsExactly(size.ref(), layers.ref());
    assertThat(evaluation.violations())
        .extracting(Violation::rule)
        .containsExactly(Rule.MAX_COMPRESSED_SIZE, Rule.MAX_LAYERS);
    assertThat(evaluation.denied()).isTrue();
  }

  @Test
  void checksInitAndEphemeralContainersAndOnlyTheImagesAPolicyCovers() {
    ImageFacts sidecar = image("quay.io/acme/proxy:2", platform("linux/amd64", 30 * MIB));
    ImageFacts debug = image("busybox:1.36", platform("linux/amd64", 2 * MIB));
    WorkloadContext context =
        new WorkloadContext(
            "Pod",
            "shop",
            Map.of(),
            "web-0",
            Map.of(),
            List.of(
                new ContainerImage("init", ContainerImage.Type.INIT, "quay.io/acme/proxy:2"),
                new ContainerImage("api", ContainerImage.Type.CONTAINER, API),
                new ContainerImage("debugger", ContainerImage.Type.EPHEMERAL, "busybox:1.36")),
            PlatformConstraints.NONE);
    CompiledPolicy policy =
        Fixtures.cluster(
            "match: {images: [\"quay.io/**\", \"busybox\"]}\nlimits: {maxCompressedSize: 1Mi}");
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(policy), context, Fixtures.found(API_FACTS, sidecar, debug));
    assertThat(evaluation.violations())
        .extracting(Violation::container)
        .containsExactly("init", "debugger");
    assertThat(PolicyEvaluator.imagesToInspect(List.of(policy), context))
        .extracting(n -> n.reference().toString())
        .containsExactly("quay.io/acme/proxy:2", "index.docker.io/library/busybox:1.36");
  }
}
