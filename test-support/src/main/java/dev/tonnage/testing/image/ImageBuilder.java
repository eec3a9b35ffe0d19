package dev.tonnage.testing.image;

import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.file.Path;

/**
 * Pushes test images into a {@link RegistryServer} and returns what a correct reader must measure,
 * computed from the pushed bytes.
 *
 * <pre>{@code
 * try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
 *   PushedImage app = images.push("team/app:1.0", ImageSpec.singleLayer("app.txt", "hello"));
 *   app.single().compressedSize();
 * }
 * }</pre>
 */
public final class ImageBuilder implements AutoCloseable {

  private final RegistryServer registry;
  private final RegistryClient client;

  private ImageBuilder(RegistryServer registry, RegistryClient client) {
    this.registry = registry;
    this.client = client;
  }

  /** Pushes with the registry's credentials (if its mode has any). */
  public static ImageBuilder forRegistry(RegistryServer registry) {
    return new ImageBuilder(registry, RegistryClient.forServer(registry));
  }

  /** The client this builder pushes with, for reading back or deleting. */
  public RegistryClient client() {
    return client;
  }

  /** Pushes a single-platform OCI image to {@code REPOSITORY[:TAG]}. */
  public PushedImage push(String repositoryAndTag, ImageSpec image) {
    return push(repositoryAndTag, ManifestFormat.OCI, image);
  }

  /** Pushes a single-platform image in {@code format} to {@code REPOSITORY[:TAG]}. */
  public PushedImage push(String repositoryAndTag, ManifestFormat format, ImageSpec image) {
    Target target = Target.parse(repositoryAndTag);
    PushPlan plan = new PushPlan();
    return upload(target, plan, new ImageAssembler(plan).image(image, format));
  }

  /** Pushes a Docker manifest list or OCI index with its platform images. */
  public PushedImage push(String repositoryAndTag, IndexSpec index) {
    Target target = Target.parse(repositoryAndTag);
    PushPlan plan = new PushPlan();
    String subject = registry.hostPort() + "/" + target.repository();
    return upload(target, plan, new ImageAssembler(plan).index(index, subject));
  }

  /** Pushes a non-image artifact such as a Helm chart. */
  public PushedImage push(String repositoryAndTag, ArtifactSpec artifact) {
    Target target = Target.parse(repositoryAndTag);
    PushPlan plan = new PushPlan();
    return upload(target, plan, new ImageAssembler(plan).artifact(artifact));
  }

  /**
   * Builds {@code image} with umoci and copies it in with skopeo ({@code --format v2s2} when {@code
   * dockerV2}, else the OCI manifest as umoci wrote it), then reads the pushed manifest back to
   * compute the expected facts.
   */
  public PushedImage pushWithSkopeo(
      String repositoryAndTag, OciLayoutImage image, boolean dockerV2) {
    Target target = Target.parse(repositoryAndTag);
    if (target.tag() == null) {
      throw new IllegalArgumentException("skopeo pushes need a tag: " + repositoryAndTag);
    }
    Binaries binaries = Binaries.fromEnvironment();
    try (ScratchDirectory work = ScratchDirectory.create("umoci")) {
      Path layout = new Umoci(binaries).build(image, work.path());
      new Skopeo(binaries, registry).copyLayout(layout, Umoci.TAG, repositoryAndTag, dockerV2);
    }
    FetchedManifest pushed = client.manifest(target.repository(), target.tag());
    return ExpectedFacts.compute(
        registry.hostPort(),
        target.repository(),
        target.tag(),
        pushed.digest(),
        pushed.mediaType(),
        pushed.content(),
        new RegistryImageContent(client, target.repository()));
  }

  /**
   * Copies {@code repositoryAndTag} out of the registry with skopeo to a local {@code destination}
   * ({@code oci:DIR:TAG}, {@code oci-archive:FILE}, {@code docker-archive:FILE}); {@code --all}
   * when {@code allPlatforms}.
   */
  public void copyOut(String repositoryAndTag, String destination, boolean allPlatforms) {
    Skopeo skopeo = new Skopeo(Binaries.fromEnvironment(), registry);
    skopeo.copy(skopeo.dockerReference(repositoryAndTag), destination, allPlatforms);
  }

  /**
   * Builds {@code image} with umoci into {@code workDirectory/layout} (tagged {@code latest}) and
   * copies it into the registry as {@code repositoryAndTag} with skopeo, keeping its OCI manifest.
   *
   * @return the layout directory, which stays for the caller to read
   */
  public Path buildAndPushWithUmoci(
      String repositoryAndTag, OciLayoutImage image, Path workDirectory) {
    Binaries binaries = Binaries.fromEnvironment();
    Path layout = new Umoci(binaries).build(image, workDirectory);
    new Skopeo(binaries, registry).copyLayout(layout, Umoci.TAG, repositoryAndTag, false);
    return layout;
  }

  /**
   * {@code skopeo inspect --raw} of {@code REPOSITORY:TAG} or a full reference, for cross-checks.
   */
  public String skopeoInspectRaw(String reference) {
    return new Skopeo(Binaries.fromEnvironment(), registry).inspectRaw(reference);
  }

  @Override
  public void close() {
    client.close();
  }

  private PushedImage upload(Target target, PushPlan plan, ImageAssembler.Assembled top) {
    for (Blob blob : plan.blobs()) {
      client.pushBlob(target.repository(), blob);
    }
    for (PushPlan.ManifestUpload manifest : plan.manifests()) {
      boolean isTop = manifest.digest().equals(top.digest());
      String reference = isTop && target.tag() != null ? target.tag() : manifest.digest();
      String stored =
          client.putManifest(
              target.repository(), reference, manifest.mediaType(), manifest.content());
      if (!manifest.digest().equals(stored)) {
        throw new IllegalStateException(
            "registry stored manifest "
                + manifest.digest()
                + " under digest "
                + stored
                + ": it must store the exact bytes pushed");
      }
    }
    return ExpectedFacts.compute(
        registry.hostPort(),
        target.repository(),
        target.tag(),
        top.digest(),
        top.mediaType(),
        top.content(),
        plan);
  }

  /** {@code REPOSITORY[:TAG]}. */
  record Target(String repository, String tag) {
    static Target parse(String text) {
      int colon = text.lastIndexOf(':');
      if (text.contains("@")) {
        throw new IllegalArgumentException(
            "push to REPOSITORY[:TAG], not a digest reference: " + text);
      }
      if (colon > text.lastIndexOf('/')) {
        return new Target(text.substring(0, colon), text.substring(colon + 1));
      }
      return new Target(text, null);
    }
  }
}
