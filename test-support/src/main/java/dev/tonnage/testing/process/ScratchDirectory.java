package dev.tonnage.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A component's private temporary directory (config, data, logs), deleted on close. Created under
 * the system property {@code tonnage.scratchRoot} when set (the build sets it to {@code target/},
 * out of reach of anyone cleaning a shared {@code /tmp}), else under {@code java.io.tmpdir}. Set
 * {@code tonnage.keepScratch=true} to keep it for a post-mortem.
 */
public final class ScratchDirectory implements AutoCloseable {

  private final Path path;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  public static ScratchDirectory create(String prefix) {
    try {
      String root = System.getProperty("tonnage.scratchRoot");
      if (root == null || root.isBlank()) {
        return new ScratchDirectory(Files.createTempDirectory("tonnage-" + prefix + "-"));
      }
      Path parent = Files.createDirectories(Path.of(root));
      return new ScratchDirectory(Files.createTempDirectory(parent, "tonnage-" + prefix + "-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for " + prefix, e);
    }
  }

  public Path path() {
    return path;
  }

  /** A sub-directory, created if missing. */
  public Path directory(String name) {
    try {
      return Files.createDirectories(path.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + path.resolve(name), e);
    }
  }

  /** Writes a text file and returns its path. */
  public Path write(String name, String content) {
    Path file = path.resolve(name);
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    if (Boolean.getBoolean("tonnage.keepScratch")) {
      return;
    }
    deleteRecursively(path);
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
