package dev.tonnage.admission;

import java.util.concurrent.CompletableFuture;

/**
 * Decides what the policies say about an admitted object. Implementations complete by the subject's
 * deadline, turning facts they could not get in time into the policies' onRegistryError outcome,
 * and never block the calling thread on the network.
 */
@FunctionalInterface
public interface AdmissionDecider {

  CompletableFuture<ReviewDecision> decide(ReviewSubject subject);
}
