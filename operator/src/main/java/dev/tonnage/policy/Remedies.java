package dev.tonnage.policy;

import java.util.List;

/** What a developer can change, tailored to the rule and the step that made the largest layer. */
final class Remedies {

  static final String MULTI_STAGE =
      "Use a multi-stage build: build in a full image, then COPY only the artifacts into a slim"
          + " base (gcr.io/distroless, alpine).";

  private Remedies() {}

  /** For a size limit: fix the largest layer's step, then slim the image as a whole. */
  static String forSize(BuildStep largest) {
    String step = largest == null ? null : forStep(largest);
    return step == null ? MULTI_STAGE : step + " " + MULTI_STAGE;
  }

  /** For one oversized layer: fix its step, else move it out of the final image. */
  static String forLayer(BuildStep step) {
    String specific = forStep(step);
    return specific != null
        ? specific
        : "Split the step, or run it in a build stage and COPY only its result into the final"
            + " image.";
  }

  static String forLayerCount() {
    return "Combine consecutive RUN steps into one (RUN a && b && c), and use a multi-stage build"
        + " whose final stage COPYs the artifacts in a few layers.";
  }

  static String forBase(List<String> allowed, List<String> denied) {
    if (!allowed.isEmpty()) {
      return "Rebuild FROM one of the allowed bases: " + Patterns.list(allowed) + ".";
    }
    return "Rebuild FROM a base that no denied pattern matches (denied: "
        + Patterns.list(denied)
        + ").";
  }

  static String forUnknownBase() {
    return "Record the base at build time (LABEL org.opencontainers.image.base.name=<base>, or"
        + " the annotation of the same name), or name the exact base with its tag in"
        + " spec.baseImages so Tonnage can match its layers.";
  }

  private static String forStep(BuildStep step) {
    String pm = step.packageManager();
    if (pm != null) {
      return switch (pm) {
        case "apt-get", "apt" ->
            "Install with --no-install-recommends and rm -rf /var/lib/apt/lists/* in the same"
                + " RUN.";
        case "apk" -> "Install with apk add --no-cache.";
        case "yum", "dnf", "microdnf", "zypper" -> "Run " + pm + " clean all in the same RUN.";
        case "pip", "pip3" -> "Install with pip install --no-cache-dir.";
        case "npm", "yarn" ->
            "Install production dependencies only (npm ci --omit=dev) and clean the cache in the"
                + " same RUN.";
        case "gem" -> "Install with gem install --no-document.";
        case "conda" -> "Run conda clean -afy in the same RUN.";
        default -> null;
      };
    }
    if (step.isCopy()) {
      return step.text().contains("--from=")
          ? "Copy only the files the image needs from the build stage."
          : "Check .dockerignore: \""
              + step
              + "\" may copy .git, node_modules or build output; copy only what the image"
              + " needs.";
    }
    return null;
  }
}
