package dev.tonnage.cli;

import dev.tonnage.manifests.ManifestLocation;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageReference;

/**
 * One image {@code tonnage check} judges: a bare image from the command line, or a container of a
 * workload in a manifest, judged in that workload's context.
 *
 * @param image the image as written
 * @param reference its parsed form
 * @param context what the evaluator knows around it
 * @param location where the container is in the manifests; null for a command-line image
 * @param exempt why the webhook would not review the workload at all, or null
 */
record CheckSubject(
    String image,
    ImageReference reference,
    WorkloadContext context,
    ManifestLocation location,
    String exempt) {}
