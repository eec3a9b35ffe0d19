package dev.tonnage.registry;

/**
 * An uncompressed size, exact or bounded. A gzip trailer (ISIZE) gives the size modulo 2^32, so a
 * layer that could exceed 4 GiB has several candidates: {@code bytes} is the best estimate and
 * {@code [minBytes, maxBytes]} the bounds within which the true size lies.
 *
 * @param bytes best estimate of the size in bytes
 * @param minBytes lower bound (equals {@code bytes} when exact)
 * @param maxBytes upper bound (equals {@code bytes} when exact)
 * @param exact whether {@code bytes} is the true size
 * @param source how it was obtained, e.g. {@code gzip-trailer}, {@code zstd-frame-header}, {@code
 *     annotation}, {@code stream}, {@code sum}
 */
public record UncompressedSize(
    long bytes, long minBytes, long maxBytes, boolean exact, String source) {

  public UncompressedSize {
    if (minBytes > bytes || bytes > maxBytes || minBytes < 0) {
      throw new IllegalArgumentException(
          "uncompressed size bounds out of order: "
              + minBytes
              + " <= "
              + bytes
              + " <= "
              + maxBytes);
    }
  }

  public static UncompressedSize exact(long bytes, String source) {
    return new UncompressedSize(bytes, bytes, bytes, true, source);
  }

  /** True when a limit lies inside the bounds, so neither pass nor fail is certain. */
  public boolean isUncertainAgainst(long limit) {
    return !exact && minBytes <= limit && limit < maxBytes;
  }

  /** Sum of two sizes: exact only when both are. */
  public UncompressedSize plus(UncompressedSize other) {
    boolean both = exact && other.exact;
    return new UncompressedSize(
        bytes + other.bytes,
        minBytes + other.minBytes,
        saturatedAdd(maxBytes, other.maxBytes),
        both,
        "sum");
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
