package dev.tonnage.testing.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class GzipTest {

  @Test
  void compressionIsReproducibleAndMeasurable() {
    byte[] content = TarArchive.ofFile("a.txt", "hello").toBytes();

    byte[] once = Gzip.compress(content);

    assertThat(Gzip.compress(content)).isEqualTo(once);
    assertThat(Gzip.decompressedSize(new ByteArrayInputStream(once))).isEqualTo(content.length);
  }
}
