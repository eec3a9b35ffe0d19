package dev.tonnage.testing.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * gzip layers of a tar holding one file of zeros, large enough to exceed 4 GiB uncompressed (gzip's
 * ISIZE wraps at 2^32). Compressing takes ~25 s, so each size is computed once and kept under
 * {@code ~/.cache/tonnage/fixtures}, with the sizes and digests measured while writing it.
 */
final class ZeroLayerCache {

  private static final String VERSION = "v1";

  private final Path directory;

  ZeroLayerCache(Path directory) {
    this.directory = directory;
  }

  static ZeroLayerCache inUserCache() {
    return new ZeroLayerCache(
        Path.of(System.getProperty("user.home"), ".cache", "tonnage", "fixtures"));
  }

  BuiltLayer gzipOfZeros(long fileSize) {
    String key = "zeros-tar-gzip-" + fileSize + "-" + VERSION;
    Path blobFile = directory.resolve(key + ".gz");
    Path factsFile = directory.resolve(key + ".properties");
    BuiltLayer cached = read(blobFile, factsFile);
    if (cached != null) {
      return cached;
    }
    return create(
        TarArchive.builder().zeroFile("zeros.bin", fileSize).build(), blobFile, factsFile);
  }

  private static BuiltLayer read(Path blobFile, Path factsFile) {
    if (!Files.isRegularFile(factsFile) || !Files.isRegularFile(blobFile)) {
      return null;
    }
    Properties facts = new Properties();
    try (InputStream in = Files.newInputStream(factsFile)) {
      facts.load(in);
      long size = Long.parseLong(facts.getProperty("size"));
      String digest = facts.getProperty("digest");
      // A truncated or altered cache file would make every expectation wrong: check it.
      if (Files.size(blobFile) != size || !Sha256.digest(blobFile).equals(digest)) {
        return null;
      }
      return new BuiltLayer(
          Blob.ofFile(blobFile, digest, size),
          Long.parseLong(facts.getProperty("uncompressedSize")),
          facts.getProperty("diffId"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private BuiltLayer create(TarArchive tar, Path blobFile, Path factsFile) {
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      temporary = Files.createTempFile(directory, blobFile.getFileName().toString(), ".tmp");
      CompletableFuture<Sha256.CountingDigestStream> diffId =
          CompletableFuture.supplyAsync(
              () -> {
                Sha256.CountingDigestStream uncompressed = new Sha256.CountingDigestStream();
                tar.writeTo(uncompressed);
                return uncompressed;
              },
              task -> {
                Thread thread = new Thread(task, "zero-layer-diff-id");
                thread.setDaemon(true);
                thread.start();
              });
      Sha256.CountingDigestStream compressed = new Sha256.CountingDigestStream();
      try (OutputStream file = Files.newOutputStream(temporary);
          OutputStream gzip = Gzip.open(new TeeStream(file, compressed))) {
        tar.writeTo(gzip);
      }
      Sha256.CountingDigestStream uncompressed = diffId.get();
      BuiltLayer layer =
          new BuiltLayer(
              Blob.ofFile(blobFile, compressed.digest(), compressed.count()),
              uncompressed.count(),
              uncompressed.digest());
      Files.move(temporary, blobFile, StandardCopyOption.ATOMIC_MOVE);
      writeFacts(layer, factsFile);
      return layer;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the zero layer " + blobFile, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + blobFile, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot measure the zero layer " + blobFile, e.getCause());
    } finally {
      deleteQuietly(temporary); // gone already when the move succeeded
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a stray temporary file in the cache directory is harmless
    }
  }

  private void writeFacts(BuiltLayer layer, Path factsFile) throws IOException {
    Properties facts = new Properties();
    facts.setProperty("digest", layer.blob().digest());
    facts.setProperty("size", Long.toString(layer.blob().size()));
    facts.setProperty("uncompressedSize", Long.toString(layer.uncompressedSize()));
    facts.setProperty("diffId", layer.diffId());
    Path temporary = Files.createTempFile(directory, factsFile.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        facts.store(out, "measured while compressing; delete to recompute");
      }
      Files.move(temporary, factsFile, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteQuietly(temporary);
    }
  }

  /** Writes to two streams. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      first.close();
      second.close();
    }
  }
}
