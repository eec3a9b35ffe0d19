package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecisionLogTest {

  private final AtomicLong now = new AtomicLong();
  private final List<String> lines = new ArrayList<>();
  private final DecisionLog log = new DecisionLog(now::get, lines::add);
  private AdmissionRequest request;
  private Workload workload;

  @BeforeEach
  void readRequest() throws Exception {
    AdmissionReviewCodec codec = new AdmissionReviewCodec();
    request = codec.read(Fixtures.read("deployment-create.json").getBytes(StandardCharsets.UTF_8));
    workload = new WorkloadReader(codec.mapper()).read(request, request.object()).orElseThrow();
  }

  @Test
  void aDenialIsOneLineNamingObjectOperationPolicyAndReason() {
    log.record(
        request,
        workload,
        decision(
            List.of("Image registry.example/acme/api:3.4 is 812 MiB\nLargest layers: ..."),
            List.of(),
            false));
    assertThat(lines)
        .containsExactly(
            "admission denied: CREATE Deployment "
                + workload.namespace()
                + "/"
                + workload.name()
                + " by ClusterImagePolicy slim: Image registry.example/acme/api:3.4 is 812 MiB"
                + " Largest layers: ...");
  }

  @Test
  void anImageAdmittedWithoutItsFactsIsLoggedAsUnchecked() {
    log.record(
        request,
        workload,
        decision(
            List.of(),
            List.of("slim: registry.example/acme/api:3.4: not checked, timeout (Timeout)"),
            true));
    assertThat(lines)
        .singleElement()
        .asString()
        .startsWith("admission admitted unchecked: CREATE Deployment")
        .endsWith(
            "by ClusterImagePolicy slim: slim: registry.example/acme/api:3.4: not checked,"
                + " timeout (Timeout)");
  }

  @Test
  void aWorkloadMatchedByManyPoliciesNamesTheFirstAndCountsTheRest() {
    List<String> many = List.of("P a", "P b", "P c", "P d", "P e", "P f", "P g");
    log.record(
        request,
        workload,
        new ReviewDecision(List.of("no"), List.of(), Map.of(), List.of(), many, false));
    assertThat(lines)
        .singleElement()
        .asString()
        .endsWith(" by P a, P b, P c, P d, P e and 2 more: no");
  }

  @Test
  void failedReviewsAreErrorLinesRatedInABucketOfTheirOwn() {
    List<Throwable> causes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    DecisionLog rated =
        new DecisionLog(
            now::get,
            lines::add,
            (line, cause) -> {
              errors.add(line);
              causes.add(cause);
            });
    IllegalStateException bug = new IllegalStateException("bug");
    for (int i = 0; i < DecisionLog.BURST + 5; i++) {
      rated.failed(request, "failed", "answering per failurePolicy Ignore", bug);
    }
    rated.record(request, workload, decision(List.of("too big"), List.of(), false));

    assertThat(errors).hasSize(DecisionLog.BURST);
    assertThat(errors.get(0))
        .isEqualTo(
            "admission review b9cc9e42-569f-4505-b78f-bd578c41b3f4 of Deployment shop/api failed;"
                + " answering per failurePolicy Ignore");
    assertThat(causes).containsOnly(bug);
    assertThat(lines).singleElement().asString().startsWith("admission denied:");

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    rated.failed(
        request, "took longer than the budget PT8S", "answering per failurePolicy Fail", null);
    assertThat(errors.get(DecisionLog.BURST))
        .endsWith(
            " took longer than the budget PT8S; answering per failurePolicy Fail"
                + " [5 more failed reviews not logged]");
  }

  @Test
  void aQuietAllowIsNotLogged() {
    log.record(request, workload, ReviewDecision.ALLOW);
    assertThat(lines).isEmpty();
  }

  @Test
  void eachKindIsRateLimitedOnItsOwnAndTheNextLineCountsWhatWasLeftOut() {
    ReviewDecision denial = decision(List.of("too big"), List.of(), false);
    for (int i = 0; i < DecisionLog.BURST + 5; i++) {
      log.record(request, workload, denial);
    }
    assertThat(lines).hasSize(DecisionLog.BURST);
    log.record(request, workload, decision(List.of(), List.of("slim: over 1 GiB"), false));
    assertThat(lines).hasSize(DecisionLog.BURST + 1);
    assertThat(lines.get(DecisionLog.BURST)).startsWith("admission warned:");
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    log.record(request, workload, denial);
    assertThat(lines.get(lines.size() - 1))
        .startsWith("admission denied:")
        .endsWith("too big [5 more denied not logged]");
  }

  @Test
  void aLongReasonIsCut() {
    log.record(request, workload, decision(List.of("x".repeat(10_000)), List.of(), false));
    assertThat(lines.get(0)).hasSizeLessThan(DecisionLog.MAX_REASON_LENGTH + 200).endsWith("x…");
  }

  private static ReviewDecision decision(
      List<String> denials, List<String> warnings, boolean unchecked) {
    return new ReviewDecision(
        denials, warnings, Map.of(), List.of(), List.of("ClusterImagePolicy slim"), unchecked);
  }
}
