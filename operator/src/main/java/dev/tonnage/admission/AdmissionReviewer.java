package dev.tonnage.admission;

import dev.tonnage.events.EventWriter;
import dev.tonnage.events.WarningEvent;
import dev.tonnage.metrics.AdmissionDecision;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers AdmissionReview bodies: one path for both webhooks (read, exempt, decide), then the
 * endpoint shapes the decision: the validating webhook allows, warns or denies and records Events;
 * the mutating webhook patches annotations. Every answer is an AdmissionReview; an internal error
 * is logged with the request UID, counted, and answered as the configured failurePolicy would.
 */
public final class AdmissionReviewer {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionReviewer.class);

  /** API server warnings are shown one per line; keep them readable and the answer small. */
  static final int MAX_WARNING_LENGTH = 120;

  static final int MAX_WARNINGS = 20;
  static final int MAX_MESSAGE_LENGTH = 4096;

  /** Stands for a request whose body could not be read at all (no UID, no kind). */
  private static final AdmissionRequest UNREAD =
      new AdmissionRequest(
          AdmissionResponse.V1,
          "",
          "",
          "",
          "",
          "",
          "",
          AdmissionRequest.Operation.CREATE,
          "",
          "",
          false,
          null,
          null);

  /** How long past its deadline a decider may take before the review is answered as an error. */
  private static final Duration GRACE = Duration.ofMillis(500);

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec();
  private final WorkloadReader reader = new WorkloadReader(codec.mapper());
  private final AnnotationPatch patches = new AnnotationPatch(codec.mapper());
  private final DecisionLog decisions = new DecisionLog();
  private final AdmissionSettings settings;
  private final AdmissionDecider decider;
  private final AdmissionExemptions exemptions;
  private final NamespaceLabels namespaceLabels;
  private final Observers observers;

  /**
   * Where a review's side effects go.
   *
   * @param events records Events of non-dry-run validating reviews
   * @param metrics counts and times reviews
   */
  public record Observers(EventWriter events, AdmissionMetrics metrics) {}

  public AdmissionReviewer(
      AdmissionSettings settings,
      AdmissionDecider decider,
      AdmissionExemptions exemptions,
      NamespaceLabels namespaceLabels,
      Observers observers) {
    this.settings = settings;
    this.decider = decider;
    this.exemptions = exemptions;
    this.namespaceLabels = namespaceLabels;
    this.observers = observers;
  }

  /** An answer and how the review ended, for the metrics. */
  private record Outcome(AdmissionResponse response, AdmissionDecision decision) {}

  /** An HTTP answer: its status and an AdmissionReview body. */
  public record HttpAnswer(int status, byte[] body) {}

  /** An answer for a request refused before its body was read (wrong path, type, size). */
  public HttpAnswer refuse(AdmissionEndpoint endpoint, int httpStatus, String message) {
    observers.metrics().error(endpoint, AdmissionMetrics.reasonOf(httpStatus));
    return new HttpAnswer(
        httpStatus, codec.write(AdmissionResponse.refuse("", httpStatus, message)));
  }

  /** Answers one request body; the future never completes exceptionally. */
  public CompletableFuture<HttpAnswer> review(AdmissionEndpoint endpoint, byte[] body) {
    return review(endpoint, body, body.length);
  }

  /**
   * Answers the first {@code length} bytes of {@code body}; the future never completes
   * exceptionally. Any Throwable (a StackOverflowError from a parser, an OutOfMemoryError from an
   * allocation) is answered as the failure policy says and logged once with the request UID.
   */
  public CompletableFuture<HttpAnswer> review(AdmissionEndpoint endpoint, byte[] body, int length) {
    long started = System.nanoTime();
    AdmissionRequest request;
    try {
      request = codec.read(body, length);
    } catch (InvalidReviewException e) {
      observers.metrics().error(endpoint, "malformed");
      return CompletableFuture.completedFuture(
          new HttpAnswer(400, codec.write(AdmissionResponse.refuse(e.uid(), 400, e.getMessage()))));
    } catch (Throwable e) {
      // No UID could be read: the answer echoes none, the API server then applies its policy too.
      return CompletableFuture.completedFuture(answerOf(internalError(endpoint, UNREAD, e)));
    }
    CompletableFuture<Outcome> outcome;
    try {
      outcome = answer(endpoint, request);
    } catch (Throwable e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    long guardMillis = settings.budget().plus(GRACE).toMillis();
    return outcome
        .orTimeout(guardMillis, TimeUnit.MILLISECONDS)
        .exceptionally(error -> internalError(endpoint, request, error))
        .thenApply(done -> finished(endpoint, request, done, started))
        .exceptionally(error -> answerOf(internalError(endpoint, request, error)));
  }

  private HttpAnswer finished(
      AdmissionEndpoint endpoint, AdmissionRequest request, Outcome done, long started) {
    if (endpoint == AdmissionEndpoint.VALIDATE) {
      observers
          .metrics()
          .reviewed(request, done.decision(), Duration.ofNanos(System.nanoTime() - started));
    }
    return answerOf(done);
  }

  private HttpAnswer answerOf(Outcome done) {
    return new HttpAnswer(200, codec.write(done.response()));
  }

  private CompletableFuture<Outcome> answer(AdmissionEndpoint endpoint, AdmissionRequest request) {
    if (endpoint == AdmissionEndpoint.ALLOW_ALL) {
      return allowed(request);
    }
    Optional<Workload> workload = reader.read(request, request.object());
    if (workload.isEmpty()) {
      return skip(request, "kind " + request.kind() + " is not checked");
    }
    Workload old = reader.read(request, request.oldObject()).orElse(null);
    Optional<String> exempt = exemptions.reason(request, workload.get(), old);
    if (exempt.isPresent()) {
      return skip(request, exempt.get());
    }
    if (endpoint == AdmissionEndpoint.MUTATE && !request.subResource().isEmpty()) {
      return skip(request, "subresource " + request.subResource() + " is not annotated");
    }
    Map<String, String> labels = namespaceLabels.labelsOf(workload.get().namespace());
    Instant deadline = settings.clock().instant().plus(settings.budget());
    ReviewSubject subject = new ReviewSubject(request, workload.get(), labels, deadline);
    return decider
        .decide(subject)
        .thenApply(
            decision ->
                endpoint == AdmissionEndpoint.VALIDATE
                    ? validated(request, workload.get(), decision)
                    : mutated(request, workload.get(), decision));
  }

  private CompletableFuture<Outcome> skip(AdmissionRequest request, String why) {
    LOG.debug(
        "review {} of {} {}/{} needs no check: {}",
        request.uid(),
        request.kind(),
        request.namespace(),
        request.name(),
        why);
    return allowed(request);
  }

  private static CompletableFuture<Outcome> allowed(AdmissionRequest request) {
    return CompletableFuture.completedFuture(
        new Outcome(AdmissionResponse.allow(request), AdmissionDecision.ALLOWED));
  }

  private Outcome validated(AdmissionRequest request, Workload workload, ReviewDecision decision) {
    if (!request.dryRun()) {
      ObjectReference involved =
          WarningEvent.reference(
              request.objectApiVersion(),
              workload.kind().kind(),
              workload.namespace(),
              workload.name(),
              uidOf(request));
      for (AdmissionEvent event : decision.events()) {
        observers
            .events()
            .warn(
                new WarningEvent(
                    involved,
                    event.reason(),
                    event.message(),
                    WarningEvent.policyReference(event.policy()),
                    WarningEvent.ADMIT));
      }
    }
    decisions.record(request, workload, decision);
    List<String> warnings = boundedWarnings(decision.warnings());
    if (decision.denied()) {
      return new Outcome(
          AdmissionResponse.deny(request, 403, boundedMessage(decision.denials()), warnings),
          AdmissionDecision.DENIED);
    }
    return new Outcome(
        AdmissionResponse.allow(request, warnings),
        decision.excepted()
            ? AdmissionDecision.EXCEPTED
            : warnings.isEmpty() ? AdmissionDecision.ALLOWED : AdmissionDecision.WARNED);
  }

  private Outcome mutated(AdmissionRequest request, Workload workload, ReviewDecision decision) {
    String patch =
        decision.annotations().isEmpty()
            ? null
            : patches.build(
                request.object(), workload.kind().templatePath(), decision.annotations());
    AdmissionResponse response = AdmissionResponse.allow(request);
    return new Outcome(
        patch == null ? response : response.withPatch(patch), AdmissionDecision.ALLOWED);
  }

  private Outcome internalError(
      AdmissionEndpoint endpoint, AdmissionRequest request, Throwable error) {
    Throwable cause = unwrap(error);
    boolean timedOut = cause instanceof TimeoutException;
    observers.metrics().error(endpoint, timedOut ? "timeout" : "internal");
    decisions.failed(
        request,
        timedOut ? "took longer than the budget " + settings.budget() : "failed",
        "answering per failurePolicy " + settings.failurePolicy().kubernetesName(),
        timedOut ? null : cause);
    String what = timedOut ? "timed out" : "internal error";
    // The mutating webhook only annotates: its failure must not decide admission.
    if (endpoint != AdmissionEndpoint.VALIDATE) {
      return new Outcome(AdmissionResponse.allow(request), AdmissionDecision.ERROR);
    }
    if (settings.failurePolicy() == FailurePolicy.IGNORE) {
      return new Outcome(
          AdmissionResponse.allow(
              request,
              List.of(
                  "tonnage: images not checked (" + what + "); allowed by failurePolicy Ignore")),
          AdmissionDecision.ERROR);
    }
    AdmissionResponse denied =
        AdmissionResponse.deny(
            request,
            500,
            "Tonnage could not check the images of this object ("
                + what
                + "; the operator log names review "
                + request.uid()
                + "). Denied because the webhook's failurePolicy is Fail; retry, or ask the"
                + " cluster administrators to look at the tonnage operator.",
            List.of());
    return new Outcome(denied, AdmissionDecision.ERROR);
  }

  private static String uidOf(AdmissionRequest request) {
    if (request.object() == null) {
      return "";
    }
    var uid = request.object().path("metadata").path("uid");
    return uid.isTextual() ? uid.asText() : "";
  }

  private static List<String> boundedWarnings(List<String> warnings) {
    List<String> bounded = new ArrayList<>();
    for (String warning : warnings) {
      if (bounded.size() == MAX_WARNINGS) {
        bounded.set(MAX_WARNINGS - 1, "tonnage: more warnings omitted; see the policy status");
        break;
      }
      bounded.add(truncate(warning, MAX_WARNING_LENGTH));
    }
    return bounded;
  }

  private static String boundedMessage(List<String> denials) {
    return truncate(String.join("\n", denials), MAX_MESSAGE_LENGTH);
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
