package dev.tonnage.e2e.packaging;

import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command inside an unpacked image filesystem, as a container runtime would: its own root
 * (chroot), its own /proc, /sys read-only (as Docker and containerd mount it: the JVM reads its
 * transparent huge page mode there), user 65532, no host paths. Needs root (CI and our machines run
 * as root).
 */
final class ImageRootfs {

  private ImageRootfs() {}

  static ProcessResult run(Path rootfs, List<String> entrypoint, List<String> args)
      throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(
          "running the image's files needs chroot and a private /proc, i.e. root; user is "
              + System.getProperty("user.name"));
    }
    Files.createDirectories(rootfs.resolve("proc"));
    Files.createDirectories(rootfs.resolve("sys"));
    // A temporary directory is private to its creator; an image's root is world-readable.
    Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> inner = new ArrayList<>(entrypoint);
    inner.addAll(args);
    StringBuilder script =
        new StringBuilder(
            "mount -t proc proc \"$0/proc\" && mount -t sysfs -o ro sysfs \"$0/sys\" && cd / && exec"
                + " chroot --userspec=65532:65532 \"$0\"");
    for (int i = 0; i < inner.size(); i++) {
      script.append(" \"${").append(i + 1).append("}\"");
    }
    List<String> argv =
        new ArrayList<>(
            List.of(
                "--mount",
                "--pid",
                "--fork",
                "--propagation",
                "private",
                "/bin/sh",
                "-c",
                script.toString(),
                rootfs.toString()));
    argv.addAll(inner);
    return Command.of(Path.of("/usr/bin/unshare"), argv).withTimeout(Duration.ofMinutes(1)).run();
  }
}
