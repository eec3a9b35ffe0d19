package dev.tonnage.registry.cloud;

import dev.tonnage.registry.Credential;
import java.time.Duration;

/**
 * A short-lived registry credential a cloud token service issued, and how long it stays valid from
 * the moment it was fetched. {@link #toString()} never shows the secret ({@link Credential} hides
 * it).
 */
record CloudToken(Credential credential, Duration lifetime) {}
