package dev.tonnage.testing.image;

import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real skopeo against a {@link RegistryServer}, with its TLS trust and credentials. */
public final class Skopeo {

  private final Path executable;
  private final RegistryServer registry;

  public Skopeo(Binaries binaries, RegistryServer registry) {
    this.executable = binaries.require("skopeo");
    this.registry = registry;
  }

  /**
   * Copies an OCI layout into the registry.
   *
   * @param layout the layout directory
   * @param tag the tag inside the layout
   * @param repositoryAndTag destination {@code REPOSITORY:TAG} in the registry
   * @param dockerV2 whether to convert to Docker schema2 ({@code --format v2s2})
   */
  public void copyLayout(Path layout, String tag, String repositoryAndTag, boolean dockerV2) {
    List<String> args = new ArrayList<>(List.of("--insecure-policy", "copy"));
    args.addAll(accessArgs("--dest-"));
    if (dockerV2) {
      args.addAll(List.of("--format", "v2s2"));
    }
    args.add("oci:" + layout + ":" + tag);
    args.add("docker://" + registry.hostPort() + "/" + repositoryAndTag);
    Command.of(executable, args).run().requireSuccess();
  }

  /**
   * {@code skopeo copy FROM TO}, e.g. {@code docker://HOST/team/app:1} to {@code oci:DIR:TAG},
   * {@code oci-archive:FILE} or {@code docker-archive:FILE}; a {@code docker://} side is this
   * registry, with its TLS trust and credentials.
   *
   * @param allPlatforms {@code --all}: every platform of an index, not only this machine's
   */
  public void copy(String from, String to, boolean allPlatforms) {
    List<String> args = new ArrayList<>(List.of("--insecure-policy", "copy"));
    if (from.startsWith("docker://")) {
      args.addAll(accessArgs("--src-"));
    }
    if (to.startsWith("docker://")) {
      args.addAll(accessArgs("--dest-"));
    }
    if (allPlatforms) {
      args.add("--all");
    }
    args.add(from);
    args.add(to);
    Command.of(executable, args).run().requireSuccess();
  }

  /** {@code docker://HOST:PORT/REPOSITORY:TAG} of this registry. */
  public String dockerReference(String repositoryAndTag) {
    return "docker://" + registry.hostPort() + "/" + repositoryAndTag;
  }

  /**
   * {@code skopeo inspect --raw}: the manifest bytes exactly as the registry serves them.
   *
   * @param reference {@code REPOSITORY:TAG} or {@code REPOSITORY@DIGEST} in this registry, or a
   *     full reference starting with its {@code host:port}
   */
  public String inspectRaw(String reference) {
    String full =
        reference.startsWith(registry.hostPort() + "/")
            ? reference
            : registry.hostPort() + "/" + reference;
    List<String> args = new ArrayList<>(List.of("--insecure-policy", "inspect", "--raw"));
    args.addAll(accessArgs("--"));
    args.add("docker://" + full);
    return Command.of(executable, args).run().requireSuccess().stdout();
  }

  private List<String> accessArgs(String prefix) {
    List<String> args = new ArrayList<>();
    if (registry.certificateDirectory() == null) {
      args.add(prefix + "tls-verify=false"); // lets skopeo fall back to plain HTTP
    } else {
      args.add(prefix + "cert-dir=" + registry.certificateDirectory());
    }
    if (registry.username() != null) {
      args.add(prefix + "creds=" + registry.username() + ":" + registry.password());
    }
    return args;
  }
}
