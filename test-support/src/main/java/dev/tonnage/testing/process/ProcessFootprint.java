package dev.tonnage.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's thread count and resident memory as the kernel reports them in {@code
 * /proc/<pid>/status} ({@code Threads:} and {@code VmRSS:}), Linux only.
 *
 * @param threads the number of threads
 * @param rssBytes resident set size in bytes
 */
public record ProcessFootprint(int threads, long rssBytes) {

  /** Reads the footprint of {@code pid} now. */
  public static ProcessFootprint of(long pid) {
    int threads = -1;
    long rssKib = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.substring("Threads:".length()).trim());
        } else if (line.startsWith("VmRSS:")) {
          rssKib = Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid + "/status (has it exited?)", e);
    }
    if (threads < 0 || rssKib < 0) {
      throw new IllegalStateException("/proc/" + pid + "/status has no Threads: or VmRSS: line");
    }
    return new ProcessFootprint(threads, rssKib * 1024);
  }

  /** The larger of each figure. */
  public ProcessFootprint max(ProcessFootprint other) {
    return new ProcessFootprint(
        Math.max(threads, other.threads), Math.max(rssBytes, other.rssBytes));
  }

  @Override
  public String toString() {
    return threads + " threads, " + (rssBytes >> 20) + " MiB RSS";
  }
}
