package dev.tonnage.testing.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the real components' executables are found.
 *
 * <p>With {@code TONNAGE_BIN} set, only that directory is searched (an explicit choice must not be
 * silently bypassed); otherwise {@code $HOME/.cache/tonnage/bin}, then {@code PATH}.
 *
 * @param directories the directories searched, in order
 * @param description how the search path was chosen, for error messages
 * @param installHint what to do when a binary is missing
 */
public record Binaries(List<Path> directories, String description, String installHint) {

  public static final String PROVISION_HINT = "run e2e/env/provision.sh";

  public Binaries {
    directories = List.copyOf(directories);
  }

  /** The search path of this JVM's environment. */
  public static Binaries fromEnvironment() {
    return from(System.getenv(), System.getProperty("user.home"));
  }

  static Binaries from(Map<String, String> env, String userHome) {
    String explicit = env.get("TONNAGE_BIN");
    if (explicit != null && !explicit.isBlank()) {
      return new Binaries(List.of(Path.of(explicit)), "TONNAGE_BIN=" + explicit, PROVISION_HINT);
    }
    String home = env.getOrDefault("HOME", userHome);
    Path cache = Path.of(home, ".cache", "tonnage", "bin");
    List<Path> dirs = new ArrayList<>();
    dirs.add(cache);
    String path = env.getOrDefault("PATH", "");
    dirs.addAll(pathDirectories(path));
    return new Binaries(dirs, cache + " or PATH (" + path + ")", PROVISION_HINT);
  }

  /**
   * Only {@code PATH}, for tools of the base system that tests use as oracles (tar, zstd), which
   * provisioning does not manage.
   */
  public static Binaries systemPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    return new Binaries(
        pathDirectories(path), "PATH (" + path + ")", "install it with the system package manager");
  }

  private static List<Path> pathDirectories(String path) {
    List<Path> dirs = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        dirs.add(Path.of(entry));
      }
    }
    return dirs;
  }

  /** The executable called {@code name}, or empty. */
  public Optional<Path> find(String name) {
    for (Path dir : directories) {
      Path candidate = dir.resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The executable called {@code name}; throws {@link MissingBinaryException} with the fix. */
  public Path require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new MissingBinaryException(
                    name + " not found in " + description + "; " + installHint));
  }
}
