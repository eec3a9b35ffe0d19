package dev.tonnage.admission;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A decider that answers what a test tells it and remembers what it was asked. */
final class FakeAdmissionDecider implements AdmissionDecider {

  private volatile Function<ReviewSubject, CompletableFuture<ReviewDecision>> answer =
      subject -> CompletableFuture.completedFuture(ReviewDecision.ALLOW);
  final List<ReviewSubject> subjects = new CopyOnWriteArrayList<>();

  FakeAdmissionDecider answering(ReviewDecision decision) {
    answer = subject -> CompletableFuture.completedFuture(decision);
    return this;
  }

  FakeAdmissionDecider answering(Function<ReviewSubject, CompletableFuture<ReviewDecision>> f) {
    answer = f;
    return this;
  }

  @Override
  public CompletableFuture<ReviewDecision> decide(ReviewSubject subject) {
    subjects.add(subject);
    return answer.apply(subject);
  }
}
