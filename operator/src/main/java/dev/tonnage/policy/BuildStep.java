package dev.tonnage.policy;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Dockerfile step that made a layer, from the history {@code created_by} of the image config,
 * cleaned of shell and builder noise: {@code /bin/sh -c #(nop) COPY dir:3f..9a in /app} is {@code
 * COPY dir:3f7e1c2a… in /app}, {@code /bin/sh -c apt-get install -y gcc} is {@code RUN apt-get
 * install -y gcc}.
 */
public record BuildStep(String text) {

  static final int MAX_LENGTH = 80;

  private static final Pattern BUILD_ARGS = Pattern.compile("^\\|\\d+(?: \\S+=\\S*)* ");
  private static final Pattern SHELL = Pattern.compile("^(?:RUN )?/bin/(?:ba)?sh -c ");
  private static final Pattern NOP = Pattern.compile("^#\\(nop\\)\\s*");
  private static final Pattern HASH = Pattern.compile("(file|dir|multi):([0-9a-f]{8})[0-9a-f]{56}");
  private static final Pattern PACKAGE_INSTALL =
      Pattern.compile(
          "\\b(apt-get|apt|yum|dnf|microdnf|zypper|apk|pip3?|npm|yarn|gem|conda)\\b"
              + ".*\\b(install|add|ci)\\b");

  /** The step that made a layer; {@code an unrecorded step} when there is no history. */
  public static BuildStep of(String createdBy) {
    if (createdBy == null || createdBy.isBlank()) {
      return new BuildStep("an unrecorded step");
    }
    String s = createdBy.trim().replaceAll("\\s+", " ");
    s = s.replaceFirst(" # buildkit$", "");
    boolean run = s.startsWith("RUN ");
    s = BUILD_ARGS.matcher(run ? s.substring(4) : s).replaceFirst("");
    if (SHELL.matcher(s).find()) {
      s = SHELL.matcher(s).replaceFirst("");
      s = NOP.matcher(s).find() ? NOP.matcher(s).replaceFirst("") : "RUN " + s;
    } else if (run) {
      s = "RUN " + s;
    }
    s = HASH.matcher(s).replaceAll("$1:$2…");
    if (s.length() > MAX_LENGTH) {
      s = s.substring(0, MAX_LENGTH - 1).stripTrailing() + "…";
    }
    return new BuildStep(s);
  }

  boolean isRun() {
    return text.startsWith("RUN ");
  }

  boolean isCopy() {
    return text.startsWith("COPY ") || text.startsWith("ADD ");
  }

  /** The package manager the step installs with, e.g. {@code apt-get}, or null. */
  String packageManager() {
    if (!isRun()) {
      return null;
    }
    var m = PACKAGE_INSTALL.matcher(text.toLowerCase(Locale.ROOT));
    return m.find() ? m.group(1) : null;
  }

  @Override
  public String toString() {
    return text;
  }
}
