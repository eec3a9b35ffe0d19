package dev.tonnage.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The facts of one {@link LocalImage}, through the registry path's own parsing and assembly ({@link
 * ManifestParser}, {@link FactsAssembler}): the manifests, index and config come from the layout or
 * archive instead of a registry, every document is checked against its digest, and uncompressed
 * sizes are exact, counted by streaming each local layer through its decoder (digest-verified, one
 * buffer, within the deadline). A {@code docker save} archive without an OCI index has no manifest:
 * its layers are the uncompressed tars the config's {@code diff_ids} name, and its digest is the
 * config's (docker's image ID).
 */
final class LocalImageReader {

  /** The media type {@code docker save} gives no name to: an uncompressed layer tar. */
  static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  /** Image names listed when a layout holds several and none was picked. */
  private static final int NAMES_LISTED = 20;

  private final LocalImage image;
  private final ImageReference ref;
  private final Instant deadline;

  /**
   * Which file holds each layer: {@code blobs/<alg>/<hex>} in a layout, any name in docker save.
   */
  private final Map<String, String> layerFiles = new HashMap<>();

  private LocalBlobs blobs;

  private LocalImageReader(LocalImage image, ImageReference ref, Instant deadline) {
    this.image = image;
    this.ref = ref;
    this.deadline = deadline;
  }

  /**
   * The facts of {@code image}, reported under {@code ref}; exact uncompressed sizes when {@code
   * uncompressed}. Fails with {@link NotFoundException} (no such file, no such TAG), {@link
   * InvalidManifestException} (corrupt, hostile or over a cap) or {@link RegistryTimeoutException}.
   */
  static ImageFacts read(
      LocalImage image, ImageReference ref, boolean uncompressed, Instant deadline)
      throws RegistryException {
    return new LocalImageReader(image, ref, deadline).read(uncompressed);
  }

  private ImageFacts read(boolean uncompressed) throws RegistryException {
    try (LocalBlobs opened = open()) {
      blobs = opened;
      ImageFacts facts =
          image.transport() == LocalImage.Transport.DOCKER_ARCHIVE && blobs.size("index.json") < 0
              ? dockerSave()
              : layout();
      return uncompressed ? withUncompressed(facts) : facts;
    } catch (NoSuchFileException e) {
      throw new NotFoundException(
          ref.registry(), ref.repository(), image + ": " + e.getFile() + " does not exist");
    } catch (AccessDeniedException e) {
      throw new NotFoundException(
          ref.registry(), ref.repository(), image + ": " + e.getFile() + " cannot be read");
    } catch (DeadlinePassed e) {
      throw new RegistryTimeoutException(
          ref.registry(),
          ref.repository(),
          "reading the layers of " + image + " took longer than the deadline; raise --timeout");
    } catch (IOException e) {
      throw new InvalidManifestException(
          ref.registry(), ref.repository(), "cannot read " + image + ": " + e.getMessage());
    } catch (InvalidManifestException e) {
      // The parser's words are for registries; here the documents come from a file.
      throw new InvalidManifestException(
          ref.registry(),
          ref.repository(),
          e.getMessage()
              .replace(ref.toString(), image.toString())
              .replace("the registry served", image + " holds"));
    }
  }

  private LocalBlobs open() throws IOException {
    return switch (image.transport()) {
      case OCI -> LayoutDirectory.open(image.path());
      case OCI_ARCHIVE, DOCKER_ARCHIVE -> TarEntries.open(image.path(), image.transport().prefix());
    };
  }

  /** An OCI layout (a directory, a tar of one, or the index.json of a Docker 25+ docker save). */
  private ImageFacts layout() throws IOException, RegistryException {
    byte[] indexJson = blobs.read("index.json", CappedBody.MANIFEST_CAP, "the layout's index");
    if (!(ManifestParser.parseManifest(indexJson, MediaTypes.OCI_INDEX, ref)
        instanceof ImageIndex index)) {
      throw new LocalImageException("index.json of " + blobs + " is not an image index");
    }
    Descriptor chosen = choose(index);
    ManifestParser.Parsed top = manifest(chosen);
    List<PlatformFacts> platforms = new ArrayList<>();
    if (top instanceof ImageIndex platformIndex) {
      for (Descriptor entry : FactsFetcher.distinctImages(ref, platformIndex)) {
        // A layout may hold only some platforms of an index (skopeo copy without --all).
        if (blobs.size(LocalBlobs.blobName(entry.digest())) >= 0) {
          if (!(manifest(entry) instanceof ImageManifest manifest)) {
            throw new LocalImageException(
                "index entry "
                    + entry.digest()
                    + " is itself an index; nested indexes are not read");
          }
          Platform platform = entry.platform() == null ? null : entry.platform().toPlatform();
          platforms.add(platform(platform, entry.digest(), manifest));
        }
      }
      if (platforms.isEmpty()) {
        throw new LocalImageException(
            "the index " + chosen.digest() + " names no platform image that " + blobs + " holds");
      }
    } else {
      platforms.add(platform(null, chosen.digest(), (ImageManifest) top));
    }
    return new ImageFacts(ref, chosen.digest(), top.mediaType(), platforms);
  }

  /** The index entry TAG names, or the only image when no TAG was given. */
  private Descriptor choose(ImageIndex index) throws RegistryException {
    List<Descriptor> images =
        index.manifests().stream()
            .filter(
                d ->
                    d.mediaType() != null
                        && (MediaTypes.IMAGE_MANIFESTS.contains(d.mediaType())
                            || MediaTypes.INDEXES.contains(d.mediaType())))
            .toList();
    List<Descriptor> matching =
        image.tag() == null
            ? images
            : images.stream()
                .filter(d -> image.tag().equals(d.annotations().get(ImageIndex.REF_NAME)))
                .toList();
    if (matching.size() == 1) {
      return matching.get(0);
    }
    String names =
        images.stream()
            .limit(NAMES_LISTED)
            .map(d -> d.annotations().getOrDefault(ImageIndex.REF_NAME, "(no name) " + d.digest()))
            .map(name -> "\"" + ManifestParser.quoted(name) + "\"")
            .collect(Collectors.joining(", "));
    if (images.isEmpty()) {
      throw new NotFoundException(
          ref.registry(), ref.repository(), image + " holds no image (its index.json is empty)");
    }
    if (image.tag() == null) {
      throw new NotFoundException(
          ref.registry(),
          ref.repository(),
          image
              + " holds "
              + images.size()
              + " images; name one as "
              + image.transport().prefix()
              + ":"
              + image.path()
              + ":TAG, TAG one of: "
              + names);
    }
    throw new NotFoundException(
        ref.registry(),
        ref.repository(),
        image
            + (matching.isEmpty() ? " has no image named \"" : " has several images named \"")
            + ManifestParser.quoted(image.tag())
            + "\" (org.opencontainers.image.ref.name); it holds: "
            + names);
  }

  /** The manifest or index {@code descriptor} names, checked against its size and digest. */
  private ManifestParser.Parsed manifest(Descriptor descriptor)
      throws IOException, RegistryException {
    byte[] body = blob(descriptor, CappedBody.MANIFEST_CAP, "manifest");
    return ManifestParser.parseManifest(body, descriptor.mediaType(), ref);
  }

  private PlatformFacts platform(Platform platform, String digest, ImageManifest manifest)
      throws IOException, RegistryException {
    FactsAssembler.requireImage(manifest, ref);
    ImageConfig config =
        ManifestParser.parseConfig(
            blob(manifest.config(), CappedBody.CONFIG_CAP, "image config"), ref);
    for (Descriptor layer : manifest.layers()) {
      String name = LocalBlobs.blobName(layer.digest());
      long size = blobs.size(name);
      if (size < 0 && !MediaTypes.isForeignLayer(layer.mediaType())) {
        throw new LocalImageException(
            "layer " + layer.digest() + " of manifest " + digest + " is missing from " + blobs);
      }
      if (size >= 0 && size != layer.size()) {
        throw mismatch("layer " + layer.digest(), layer.size(), size);
      }
      layerFiles.put(layer.digest(), name);
    }
    return FactsAssembler.assemble(platform, digest, manifest, config);
  }

  /** A {@code docker save} archive of Docker before 25: manifest.json, config and layer tars. */
  private ImageFacts dockerSave() throws IOException, RegistryException {
    List<DockerSaveManifest> saved =
        ManifestParser.parseDockerSave(
            blobs.read("manifest.json", CappedBody.MANIFEST_CAP, "docker save manifest"), ref);
    if (saved.size() != 1) {
      throw new LocalImageException(
          "its manifest.json lists "
              + saved.size()
              + " images ("
              + saved.stream()
                  .limit(NAMES_LISTED)
                  .map(s -> String.join(" ", s.repoTags()))
                  .map(ManifestParser::quoted)
                  .collect(Collectors.joining(", "))
              + "); save one image per archive");
    }
    DockerSaveManifest entry = saved.get(0);
    byte[] configBytes = blobs.read(entry.config(), CappedBody.CONFIG_CAP, "image config");
    String configDigest = Digests.of(configBytes, null);
    ImageConfig config = ManifestParser.parseConfig(configBytes, ref);
    List<String> diffIds =
        config.rootfs() == null || config.rootfs().diffIds() == null
            ? List.of()
            : config.rootfs().diffIds();
    if (diffIds.size() != entry.layers().size()) {
      throw new LocalImageException(
          "its config lists "
              + diffIds.size()
              + " diff_ids but manifest.json "
              + entry.layers().size()
              + " layer files");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      String diffId = diffIds.get(i);
      String name = entry.layers().get(i);
      if (!Digests.isValid(diffId)) {
        throw new LocalImageException(
            "diff_id "
                + (i + 1)
                + " of its config is not a digest: "
                + ManifestParser.quoted(diffId));
      }
      long size = blobs.size(name);
      if (size < 0) {
        throw new LocalImageException(
            "layer file " + ManifestParser.quoted(name) + " is missing from " + blobs);
      }
      layers.add(new Descriptor(DOCKER_LAYER_TAR, diffId, size, Map.of(), null, List.of(), null));
      layerFiles.put(diffId, name);
    }
    ImageManifest manifest =
        new ImageManifest(
            2,
            MediaTypes.DOCKER_MANIFEST,
            null,
            new Descriptor(
                MediaTypes.DOCKER_CONFIG,
                configDigest,
                configBytes.length,
                Map.of(),
                null,
                List.of(),
                null),
            layers,
            Map.of());
    PlatformFacts platform = FactsAssembler.assemble(null, configDigest, manifest, config);
    return new ImageFacts(ref, configDigest, MediaTypes.DOCKER_MANIFEST, List.of(platform));
  }

  /** The facts with every layer's exact uncompressed size, each distinct layer streamed once. */
  private ImageFacts withUncompressed(ImageFacts facts) throws IOException, RegistryException {
    Map<String, LayerFacts> distinct = new LinkedHashMap<>();
    for (PlatformFacts platform : facts.platforms()) {
      platform.layers().forEach(layer -> distinct.putIfAbsent(layer.digest(), layer));
    }
    Map<String, UncompressedSize> sizes = new HashMap<>();
    for (LayerFacts layer : distinct.values()) {
      Optional<UncompressedSize> size = uncompressedSize(layer);
      size.ifPresent(s -> sizes.put(layer.digest(), s));
    }
    List<PlatformFacts> platforms = new ArrayList<>();
    for (PlatformFacts platform : facts.platforms()) {
      platforms.add(FactsAssembler.withUncompressed(platform, sizes));
    }
    return new ImageFacts(facts.reference(), facts.digest(), facts.mediaType(), platforms);
  }

  private Optional<UncompressedSize> uncompressedSize(LayerFacts layer)
      throws IOException, RegistryException {
    MediaTypes.Compression compression = MediaTypes.compressionOf(layer.mediaType());
    String name = layerFiles.get(layer.digest());
    if (compression == MediaTypes.Compression.UNKNOWN || name == null || blobs.size(name) < 0) {
      return Optional.empty(); // a foreign layer, or one no decoder reads
    }
    LayerStream.Streamed streamed;
    try (InputStream in = new WithinDeadline(blobs.open(name), deadline)) {
      streamed = LayerStream.stream(in, layer.digest(), compression);
    } catch (java.util.zip.ZipException e) {
      throw new LocalImageException(
          "layer " + layer.digest() + " is not the gzip its media type says: " + e.getMessage());
    }
    if (!streamed.digest().equals(layer.digest())) {
      throw new InvalidManifestException(
          ref.registry(),
          ref.repository(),
          "layer file "
              + ManifestParser.quoted(name)
              + " of "
              + image
              + " has digest "
              + streamed.digest()
              + " but "
              + layer.digest()
              + " is expected"
              + (compression == MediaTypes.Compression.NONE
                  ? " (a docker save layer must be the uncompressed tar its diff_id names)"
                  : "")
              + ": the file was altered or the archive is corrupt");
    }
    return Optional.of(UncompressedSize.exact(streamed.uncompressedBytes(), "stream"));
  }

  /** The blob {@code descriptor} names: at most {@code cap} bytes, its size and digest checked. */
  private byte[] blob(Descriptor descriptor, long cap, String what) throws IOException {
    if (descriptor.size() > cap) {
      throw new LocalImageException(
          what
              + " "
              + descriptor.digest()
              + " declares "
              + descriptor.size()
              + " bytes; Tonnage reads at most "
              + cap);
    }
    String name = LocalBlobs.blobName(descriptor.digest());
    long size = blobs.size(name);
    if (size < 0) {
      throw new LocalImageException(what + " " + descriptor.digest() + " is missing from " + blobs);
    }
    if (size != descriptor.size()) {
      throw mismatch(what + " " + descriptor.digest(), descriptor.size(), size);
    }
    byte[] body = blobs.read(name, cap, what);
    String actual = Digests.of(body, descriptor.digest());
    if (!actual.equals(descriptor.digest())) {
      throw new LocalImageException(
          what
              + " "
              + name
              + " has digest "
              + actual
              + " but "
              + descriptor.digest()
              + " is expected: the file was altered or the layout is corrupt");
    }
    return body;
  }

  private LocalImageException mismatch(String what, long declared, long found) {
    return new LocalImageException(
        what
            + " is "
            + found
            + " bytes in "
            + blobs
            + " but its descriptor says "
            + declared
            + ": the file was altered or the layout is corrupt");
  }

  /** Stops a layer read once the caller's deadline has passed. */
  private static final class WithinDeadline extends FilterInputStream {
    private final Instant deadline;

    WithinDeadline(InputStream in, Instant deadline) {
      super(in);
      this.deadline = deadline;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (Instant.now().isAfter(deadline)) {
        throw new DeadlinePassed();
      }
      return super.read(buffer, offset, length);
    }
  }

  private static final class DeadlinePassed extends IOException {
    DeadlinePassed() {
      super("deadline passed");
    }
  }
}
