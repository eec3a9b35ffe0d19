package dev.tonnage.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * OCI layouts and tar archives written byte by byte: the malformed and hostile ones no tool makes
 * (the well-formed ones in {@code LocalImagesIT} come from skopeo and umoci).
 */
final class LocalImageFixtures {
  private LocalImageFixtures() {}

  /** One tar entry: {@code type} '0' file, '2' symbolic link, '5' directory. */
  record TarEntry(String name, char type, byte[] content, String link) {
    static TarEntry file(String name, byte[] content) {
      return new TarEntry(name, '0', content, "");
    }

    static TarEntry symlink(String name, String target) {
      return new TarEntry(name, '2', new byte[0], target);
    }

    static TarEntry directory(String name) {
      return new TarEntry(name, '5', new byte[0], "");
    }
  }

  /** A ustar archive of {@code entries}, ended by two zero blocks. */
  static byte[] tar(List<TarEntry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TarEntry entry : entries) {
      byte[] header = new byte[512];
      put(header, 0, entry.name(), 100);
      put(header, 100, "0000644", 8);
      put(header, 108, "0000000", 8);
      put(header, 116, "0000000", 8);
      put(header, 124, String.format("%011o", entry.content().length), 12);
      put(header, 136, "00000000000", 12);
      header[156] = (byte) entry.type();
      put(header, 157, entry.link(), 100);
      put(header, 257, "ustar", 6);
      put(header, 263, "00", 2);
      for (int i = 148; i < 156; i++) {
        header[i] = ' ';
      }
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      put(header, 148, String.format("%06o", sum), 7);
      out.writeBytes(header);
      out.writeBytes(entry.content());
      int pad = (512 - entry.content().length % 512) % 512;
      out.writeBytes(new byte[pad]);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The regular files under {@code directory}, named relative to it, as a tar. */
  static byte[] tarOf(Path directory) {
    List<TarEntry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted().toList()) {
        if (Files.isRegularFile(file)) {
          entries.add(
              TarEntry.file(directory.relativize(file).toString(), Files.readAllBytes(file)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tar(entries);
  }

  private static void put(byte[] header, int offset, String text, int length) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] content) {
    return Digests.of(content, null);
  }

  /** An OCI layout in a directory, written blob by blob. */
  static final class Layout {
    final Path root;
    private final List<String> entries = new ArrayList<>();

    Layout(Path root) {
      this.root = root;
      try {
        Files.createDirectories(root.resolve("blobs/sha256"));
        Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Writes {@code content} as a blob; returns its digest. */
    String blob(byte[] content) {
      String digest = sha256(content);
      try {
        Files.write(root.resolve(LocalBlobs.blobName(digest)), content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return digest;
    }

    Path file(String digest) {
      return root.resolve(LocalBlobs.blobName(digest));
    }

    /**
     * An image of one gzip layer holding {@code layer}, with a config naming {@code createdBy} and
     * a base label; listed in index.json as {@code refName} (none when null).
     *
     * @return the manifest digest
     */
    Image image(byte[] layer, String createdBy, String refName) {
      byte[] compressed = gzip(layer);
      String layerDigest = blob(compressed);
      byte[] config =
          ("{\"architecture\":\"arm64\",\"os\":\"linux\",\"config\":{\"Labels\":"
                  + "{\"org.opencontainers.image.base.name\":\"docker.io/library/alpine:3.20\"}},"
                  + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                  + sha256(layer)
                  + "\"]},\"history\":[{\"created_by\":\""
                  + createdBy
                  + "\"}]}")
              .getBytes(StandardCharsets.UTF_8);
      String configDigest = blob(config);
      byte[] manifest =
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                  + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                  + "\"digest\":\""
                  + configDigest
                  + "\",\"size\":"
                  + config.length
                  + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                  + "\"digest\":\""
                  + layerDigest
                  + "\",\"size\":"
                  + compressed.length
                  + "}]}")
              .getBytes(StandardCharsets.UTF_8);
      String manifestDigest = blob(manifest);
      entries.add(
          "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
              + manifestDigest
              + "\",\"size\":"
              + manifest.length
              + (refName == null
                  ? ""
                  : ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + refName + "\"}")
              + "}");
      writeIndex();
      return new Image(
          manifestDigest,
          configDigest,
          layerDigest,
          config.length + compressed.length,
          layer.length);
    }

    void writeIndex() {
      try {
        Files.writeString(
            root.resolve("index.json"),
            "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", entries) + "]}");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** What {@link Layout#image} wrote. */
  record Image(
      String manifestDigest,
      String configDigest,
      String layerDigest,
      long compressedSize,
      long uncompressedSize) {}
}
