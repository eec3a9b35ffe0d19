package dev.tonnage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An OCI image layout directory ({@code oci:DIR}). A name, after symbolic links are resolved, must
 * stay inside the directory: a blob linked to {@code /etc/shadow} is refused, not read.
 */
final class LayoutDirectory implements LocalBlobs {

  private final Path root;

  private LayoutDirectory(Path root) {
    this.root = root;
  }

  /** The layout at {@code directory}; fails when it is not a directory. */
  static LayoutDirectory open(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new LocalImageException(
          "OCI layout "
              + directory
              + " is not a directory; oci: names a directory with index.json and blobs/"
              + " (oci-archive: names a tar of one)");
    }
    return new LayoutDirectory(directory.toRealPath());
  }

  @Override
  public long size(String name) throws IOException {
    Path file = resolve(name);
    return file == null ? -1 : Files.size(file);
  }

  @Override
  public InputStream open(String name) throws IOException {
    Path file = resolve(name);
    if (file == null) {
      throw new LocalImageException(name + " is missing from " + this);
    }
    return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** The real path of the regular file {@code name}, inside the root; null when there is none. */
  private Path resolve(String name) throws IOException {
    String checked = TarEntries.checkedName(name, this);
    if (checked.isEmpty()) {
      return null;
    }
    Path real;
    try {
      real = root.resolve(checked).toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    }
    if (!real.startsWith(root)) {
      throw new LocalImageException(
          name
              + " in "
              + this
              + " is a link to "
              + real
              + ", outside the layout; Tonnage reads only files inside it");
    }
    return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : null;
  }

  @Override
  public String toString() {
    return "OCI layout " + root;
  }

  @Override
  public void close() {
    // nothing held open between reads
  }
}
