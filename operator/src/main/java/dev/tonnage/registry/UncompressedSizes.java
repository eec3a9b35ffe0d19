package dev.tonnage.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Uncompressed layer sizes from the few bytes a registry will serve by Range: the gzip trailer's
 * ISIZE (size mod 2^32), the zstd frame header's content size, or a size annotation.
 */
final class UncompressedSizes {
  private UncompressedSizes() {}

  static final List<String> SIZE_ANNOTATIONS =
      List.of(
          "io.containerd.uncompressed-size",
          "org.opencontainers.image.uncompressed-size",
          "io.containers.estargz.uncompressed-size");

  /** Layer annotations that mean a multi-member gzip or multi-frame zstd stream. */
  static final List<String> SEEKABLE_FORMAT_ANNOTATIONS =
      List.of(
          "containerd.io/snapshot/stargz/toc.digest",
          "io.github.containers.zstd-chunked.manifest-checksum",
          "io.github.containers.zstd-chunked.manifest-position");

  /** The longest size annotation read: 19 digits of an int64 plus room for white space. */
  static final int MAX_SIZE_ANNOTATION_LENGTH = 32;

  static final long TWO_TO_32 = 1L << 32;

  /** Deflate expands at most ~1032:1. */
  static final long MAX_DEFLATE_RATIO = 1032;

  /** gzip header + trailer, plus room for optional header fields we do not read. */
  private static final long GZIP_OVERHEAD = 18 + 4096;

  private static final int ZSTD_MAGIC = 0xFD2FB528;

  /** A declared size annotation, if any, taken as exact. */
  static Optional<UncompressedSize> fromAnnotations(Map<String, String> annotations) {
    for (String key : SIZE_ANNOTATIONS) {
      String value = annotations.get(key);
      // A byte count has at most 19 digits; anything much longer is no size.
      if (value != null && value.length() <= MAX_SIZE_ANNOTATION_LENGTH) {
        try {
          long bytes = Long.parseLong(value.trim());
          if (bytes >= 0) {
            return Optional.of(UncompressedSize.exact(bytes, "annotation"));
          }
        } catch (NumberFormatException ignored) {
          // a malformed annotation is no size; fall through to reading the layer
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the layer is eStargz or zstd:chunked: several gzip members / zstd frames, so the last
   * member's ISIZE or the first frame's size is not the layer's.
   */
  static boolean isSeekableFormat(Map<String, String> annotations) {
    return SEEKABLE_FORMAT_ANNOTATIONS.stream().anyMatch(annotations::containsKey);
  }

  /**
   * The uncompressed size of a single-member gzip of {@code compressedSize} bytes whose last four
   * bytes are {@code trailer}. The true size is one of ISIZE + k * 2^32 within [compressed -
   * overhead, compressed * 1032]: exact when exactly one candidate fits, else the smallest as
   * estimate with the largest as upper bound. Empty when none fits (not a single-member gzip).
   */
  static Optional<UncompressedSize> fromGzipTrailer(byte[] trailer, long compressedSize) {
    if (trailer.length != 4 || compressedSize < 20) {
      return Optional.empty();
    }
    long isize =
        (trailer[0] & 0xffL)
            | (trailer[1] & 0xffL) << 8
            | (trailer[2] & 0xffL) << 16
            | (trailer[3] & 0xffL) << 24;
    // Incompressible data is stored in blocks of up to 65535 bytes with 5 bytes of framing each.
    long framing = 5 * (compressedSize / 65535 + 1);
    long lower = Math.max(0, compressedSize - GZIP_OVERHEAD - framing);
    long upper =
        compressedSize > Long.MAX_VALUE / MAX_DEFLATE_RATIO
            ? Long.MAX_VALUE
            : compressedSize * MAX_DEFLATE_RATIO;
    long first = isize;
    if (first < lower) {
      long steps = (lower - first + TWO_TO_32 - 1) / TWO_TO_32;
      first += steps * TWO_TO_32;
    }
    if (first > upper) {
      return Optional.empty();
    }
    long last = first + (upper - first) / TWO_TO_32 * TWO_TO_32;
    if (first == last) {
      return Optional.of(UncompressedSize.exact(first, "gzip-trailer"));
    }
    return Optional.of(new UncompressedSize(first, first, last, false, "gzip-trailer"));
  }

  /** Bytes needed to read any zstd frame header: magic, descriptor, window, dict ID, size. */
  static final int ZSTD_HEADER_BYTES = 18;

  /**
   * The Frame_Content_Size of the zstd frame that starts {@code header}, taken as the layer's size
   * (one frame, as zstd and containerd write); empty when the frame does not declare it, or the
   * stream starts with a skippable frame (several frames follow).
   */
  static Optional<UncompressedSize> fromZstdHeader(byte[] header) {
    if (header.length < 6) {
      return Optional.empty();
    }
    int magic =
        (header[0] & 0xff)
            | (header[1] & 0xff) << 8
            | (header[2] & 0xff) << 16
            | (header[3] & 0xff) << 24;
    if (magic != ZSTD_MAGIC) {
      return Optional.empty();
    }
    int descriptor = header[4] & 0xff;
    int sizeFlag = descriptor >>> 6;
    boolean singleSegment = (descriptor & 0x20) != 0;
    int dictIdFlag = descriptor & 0x03;
    int sizeBytes =
        switch (sizeFlag) {
          case 0 -> singleSegment ? 1 : 0;
          case 1 -> 2;
          case 2 -> 4;
          default -> 8;
        };
    if (sizeBytes == 0) {
      return Optional.empty();
    }
    int offset = 5 + (singleSegment ? 0 : 1) + new int[] {0, 1, 2, 4}[dictIdFlag];
    if (header.length < offset + sizeBytes) {
      return Optional.empty();
    }
    long size = 0;
    for (int i = sizeBytes - 1; i >= 0; i--) {
      size = size << 8 | (header[offset + i] & 0xffL);
    }
    if (sizeBytes == 2) {
      size += 256;
    }
    if (size < 0) {
      return Optional.empty();
    }
    return Optional.of(UncompressedSize.exact(size, "zstd-frame-header"));
  }
}
