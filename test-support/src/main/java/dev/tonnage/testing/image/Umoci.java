package dev.tonnage.testing.image;

import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds an {@link OciLayoutImage} into an OCI layout directory with the real umoci. */
final class Umoci {

  static final String TAG = "latest";

  private final Path executable;

  Umoci(Binaries binaries) {
    this.executable = binaries.require("umoci");
  }

  /** Builds the image into {@code workDirectory/layout}, tagged {@value #TAG}. */
  Path build(OciLayoutImage image, Path workDirectory) {
    Path layout = workDirectory.resolve("layout");
    String ref = layout + ":" + TAG;
    run("init", "--layout", layout.toString());
    run("new", "--image", ref);
    run(
        "config",
        "--image",
        ref,
        "--os",
        image.os(),
        "--architecture",
        image.architecture(),
        "--no-history");
    int n = 0;
    for (OciLayoutImage.Layer layer : image.layers()) {
      Path bundle = workDirectory.resolve("bundle-" + n++);
      run("unpack", "--rootless", "--image", ref, bundle.toString());
      writeFiles(bundle.resolve("rootfs"), layer.files());
      run("repack", "--image", ref, "--history.created_by", layer.createdBy(), bundle.toString());
    }
    for (Map.Entry<String, String> label : image.labels().entrySet()) {
      String assignment = label.getKey() + "=" + label.getValue();
      run(
          "config",
          "--image",
          ref,
          "--config.label",
          assignment,
          "--history.created_by",
          "LABEL " + assignment);
    }
    return layout;
  }

  private void run(String... args) {
    Command.of(executable, args).run().requireSuccess();
  }

  private static void writeFiles(Path root, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path target = root.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write files into " + root, e);
    }
  }
}
