package dev.tonnage.testing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZstdFramesTest {

  @TempDir Path directory;

  /** Sizes covering each Frame_Content_Size encoding and multi-block frames. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 255, 256, 65791, 65792, 131072, 300_000})
  void theZstdCliDecodesOurFramesToTheOriginalBytes(int size) throws Exception {
    byte[] content = mixedContent(size);

    for (boolean declareSize : new boolean[] {true, false}) {
      byte[] frame = ZstdFrames.frame(content, declareSize);

      assertThat(zstdDecompress(frame)).isEqualTo(content);
      assertThat(ZstdFrames.decompressedSize(frame)).isEqualTo(size);
    }
  }

  @Test
  void theZstdCliReportsTheDeclaredContentSize() throws Exception {
    byte[] frame = ZstdFrames.frame(mixedContent(70_000), true);
    Path file = Files.write(directory.resolve("declared.zst"), frame);

    String listing = zstd("-lv", file.toString());

    assertThat(listing).containsPattern("Decompressed Size: .*\\(70000 B\\)");
  }

  @Test
  void runsOfOneByteBecomeRleBlocks() {
    byte[] zeros = new byte[200_000];

    byte[] frame = ZstdFrames.frame(zeros, true);

    assertThat(frame.length).isLessThan(32);
    assertThat(ZstdFrames.decompressedSize(frame)).isEqualTo(200_000);
  }

  @Test
  void compressedBlocksCannotBeMeasuredHere() throws Exception {
    Path input = Files.write(directory.resolve("text"), "abc".repeat(1000).getBytes());
    zstd("-q", "-f", input.toString(), "-o", directory.resolve("real.zst").toString());

    assertThatThrownBy(
            () -> ZstdFrames.decompressedSize(Files.readAllBytes(directory.resolve("real.zst"))))
        .hasMessageContaining("only raw and RLE blocks");
  }

  private static byte[] mixedContent(int size) {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    // A run long enough for an RLE block in the middle of random data.
    Arrays.fill(content, size / 4, size / 4 + Math.min(size / 2, 140_000), (byte) 'z');
    return content;
  }

  private byte[] zstdDecompress(byte[] frame) throws Exception {
    Path compressed = Files.write(Files.createTempFile(directory, "frame", ".zst"), frame);
    Path output = directory.resolve(compressed.getFileName() + ".out");
    zstd("-q", "-d", "-f", compressed.toString(), "-o", output.toString());
    return Files.readAllBytes(output);
  }

  private static String zstd(String... args) {
    return Command.of(Binaries.systemPath().require("zstd"), args).run().requireSuccess().stdout();
  }
}
