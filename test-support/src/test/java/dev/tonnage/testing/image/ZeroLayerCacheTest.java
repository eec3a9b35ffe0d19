package dev.tonnage.testing.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZeroLayerCacheTest {

  @TempDir Path cacheDirectory;

  @Test
  void measuresTheLayerWhileWritingItAndReusesTheCachedFile() throws Exception {
    ZeroLayerCache cache = new ZeroLayerCache(cacheDirectory);

    BuiltLayer first = cache.gzipOfZeros(1_000_000);
    Path file = first.blob().file();
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    BuiltLayer second = cache.gzipOfZeros(1_000_000);

    long expectedTar = TarArchive.builder().zeroFile("zeros.bin", 1_000_000).build().size();
    assertThat(first.uncompressedSize()).isEqualTo(expectedTar);
    assertThat(Gzip.decompressedSize(new ByteArrayInputStream(first.blob().bytes())))
        .isEqualTo(expectedTar);
    assertThat(first.blob().digest()).isEqualTo(Sha256.digest(file));
    assertThat(second.blob().digest()).isEqualTo(first.blob().digest());
    assertThat(Files.getLastModifiedTime(file).toInstant())
        .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    try (var files = Files.list(cacheDirectory)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary files left")
          .allMatch(name -> name.endsWith(".gz") || name.endsWith(".properties"));
    }
  }

  @Test
  void aDamagedCacheFileIsRecomputed() throws Exception {
    ZeroLayerCache cache = new ZeroLayerCache(cacheDirectory);
    BuiltLayer original = cache.gzipOfZeros(100_000);
    Files.write(original.blob().file(), new byte[] {1, 2, 3});

    BuiltLayer recomputed = cache.gzipOfZeros(100_000);

    assertThat(recomputed.blob().digest()).isEqualTo(original.blob().digest());
    assertThat(Sha256.digest(recomputed.blob().file())).isEqualTo(original.blob().digest());
  }
}
