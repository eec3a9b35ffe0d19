package dev.tonnage.admission;

import dev.tonnage.events.EventReason;
import dev.tonnage.policy.PolicyRef;

/**
 * An Event that a review asks to record on the admitted object.
 *
 * @param reason why (ImageExceptionApplied for a waiver)
 * @param message what happened, naming the policies, for {@code kubectl describe}
 * @param policy the policy that decided (the first, when several did), or whose violation an
 *     exception waived: the Event's related object
 */
public record AdmissionEvent(EventReason reason, String message, PolicyRef policy) {}
