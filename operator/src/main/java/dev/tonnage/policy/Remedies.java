package dev.tonnage.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a developer can change, tailored to the rule and the step that made the largest layer. A
 * remedy never suggests what the step already does: each suggestion is checked against the step's
 * full {@code created_by} text.
 */
final class Remedies {

  static final String MULTI_STAGE =
      "Use a multi-stage build: build in a full image, then COPY only the artifacts into a slim"
          + " base (gcr.io/distroless, alpine).";

  /** A history entry longer than this is looked at only this far (it is hostile input). */
  static final int MAX_CREATED_BY = 8192;

  private Remedies() {}

  /** For a size limit: fix the largest layer's step, then slim the image as a whole. */
  static String forSize(String createdBy) {
    String step = forStep(createdBy);
    return step == null ? MULTI_STAGE : step + " " + MULTI_STAGE;
  }

  /** For one oversized layer: fix its step, else move it out of the final image. */
  static String forLayer(String createdBy) {
    String specific = forStep(createdBy);
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

  /** The step-specific advice the step does not follow yet, or null when there is none. */
  private static String forStep(String createdBy) {
    BuildStep step = BuildStep.of(createdBy);
    String pm = step.packageManager();
    if (pm != null) {
      String done =
          createdBy
              .substring(0, Math.min(createdBy.length(), MAX_CREATED_BY))
              .toLowerCase(Locale.ROOT);
      return forPackageManager(pm, done);
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

  /**
   * Advice for a step installing with {@code pm} whose (lower-cased) text is {@code done}: only the
   * parts it lacks, null when it follows them all.
   */
  private static String forPackageManager(String pm, String done) {
    List<String> missing = new ArrayList<>();
    switch (pm) {
      case "apt-get", "apt" -> {
        if (!done.contains("--no-install-recommends")
            && !done.contains("install-recommends=false")) {
          missing.add("--no-install-recommends");
        }
        if (!done.contains("/var/lib/apt/lists")) {
          missing.add("rm -rf /var/lib/apt/lists/*");
        }
        return missing.isEmpty()
            ? null
            : "Install with " + String.join(" and ", missing) + " in the same RUN.";
      }
      case "apk" -> {
        return done.contains("--no-cache") || done.contains("/var/cache/apk")
            ? null
            : "Install with apk add --no-cache.";
      }
      case "yum", "dnf", "microdnf", "zypper" -> {
        return done.contains(" clean all") || done.contains("/var/cache/" + pm)
            ? null
            : "Run " + pm + " clean all in the same RUN.";
      }
      case "pip", "pip3" -> {
        return done.contains("--no-cache-dir") || done.contains("pip_no_cache_dir")
            ? null
            : "Install with pip install --no-cache-dir.";
      }
      case "npm", "yarn" -> {
        if (!done.contains("--omit=dev")
            && !done.contains("--production")
            && !done.contains("--only=prod")) {
          missing.add(
              "install production dependencies only ("
                  + (pm.equals("yarn") ? "yarn install --production" : "npm ci --omit=dev")
                  + ")");
        }
        if (!done.contains("cache clean")) {
          missing.add(
              "clean the cache ("
                  + (pm.equals("yarn") ? "yarn cache clean" : "npm cache clean --force")
                  + ")");
        }
        return missing.isEmpty()
            ? null
            : Character.toUpperCase(missing.get(0).charAt(0))
                + String.join(" and ", missing).substring(1)
                + " in the same RUN.";
      }
      case "gem" -> {
        return done.contains("--no-document") || done.contains("--no-rdoc")
            ? null
            : "Install with gem install --no-document.";
      }
      case "conda" -> {
        return done.contains("conda clean") ? null : "Run conda clean -afy in the same RUN.";
      }
      default -> {
        return null;
      }
    }
  }
}
