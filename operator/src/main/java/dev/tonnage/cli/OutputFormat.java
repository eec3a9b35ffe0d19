package dev.tonnage.cli;

/** How a command prints its result ({@code --output text|json}, any case). */
public enum OutputFormat {
  /** Aligned, human-readable text. */
  TEXT,
  /** JSON for scripts: the documented objects, nothing else on stdout. */
  JSON
}
