package dev.tonnage.manifests;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a directory argument stands for, as {@code kubectl apply -f DIR} reads it: its {@code
 * .yaml}, {@code .yml} and {@code .json} files, not its subdirectories, in name order.
 */
public final class ManifestFiles {

  /** A directory with more such files than this is refused rather than read. */
  public static final int MAX_FILES_PER_DIRECTORY = 1000;

  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

  private ManifestFiles() {}

  /**
   * The files {@code directory} stands for; what cannot be listed is added to {@code problems}.
   *
   * @param what how messages name the files, e.g. "policy"
   */
  public static List<Path> in(Path directory, String what, List<String> problems) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(entry) && EXTENSIONS.stream().anyMatch(name::endsWith)) {
          if (files.size() == MAX_FILES_PER_DIRECTORY) {
            problems.add(
                directory
                    + ": holds more than "
                    + MAX_FILES_PER_DIRECTORY
                    + " "
                    + what
                    + " files; name the files instead");
            return List.of();
          }
          files.add(entry);
        }
      }
    } catch (IOException e) {
      problems.add(directory + ": cannot be read: " + e.getMessage());
    }
    files.sort(null);
    return files;
  }
}
