package dev.tonnage.registry;

import java.util.Collection;
import java.util.Map;

/**
 * Estimates of the heap bytes a cached value holds, for caches bounded by weight: every string
 * counted at 2 bytes a character plus its object headers (conservative: Latin-1 strings take one),
 * every object and map entry at a fixed overhead. Registries choose the lengths of most of these
 * strings (annotations, labels, created_by, URLs), so they must be counted, not assumed small.
 */
final class RetainedBytes {
  private RetainedBytes() {}

  /** An object header plus a few fields. */
  static final long OBJECT = 32;

  /** A map or cache entry: its node, hash and references (Caffeine's nodes are larger). */
  static final long ENTRY = 96;

  /** String object plus its array header: 24 + 16 bytes. */
  private static final long STRING = 40;

  static long of(String s) {
    return s == null ? 0 : STRING + 2L * s.length();
  }

  static long of(Map<String, String> map) {
    long bytes = OBJECT;
    for (Map.Entry<String, String> e : map.entrySet()) {
      bytes += ENTRY + of(e.getKey()) + of(e.getValue());
    }
    return bytes;
  }

  static long ofStrings(Collection<String> strings) {
    long bytes = OBJECT;
    for (String s : strings) {
      bytes += 8 + of(s);
    }
    return bytes;
  }

  static long of(Descriptor d) {
    return OBJECT
        + of(d.mediaType())
        + of(d.digest())
        + of(d.annotations())
        + ofStrings(d.urls())
        + of(d.artifactType())
        + (d.platform() == null
            ? 0
            : OBJECT
                + of(d.platform().os())
                + of(d.platform().architecture())
                + of(d.platform().variant())
                + of(d.platform().osVersion()));
  }

  static long of(UncompressedSize size) {
    return size == null ? 0 : OBJECT + of(size.source());
  }

  static long of(ImageFacts facts) {
    // The reference holds its registry, repository, tag and digest as separate strings.
    long bytes = OBJECT + 2 * of(facts.reference().toString());
    bytes += of(facts.digest()) + of(facts.mediaType());
    for (PlatformFacts p : facts.platforms()) {
      bytes += ENTRY + OBJECT;
      bytes += OBJECT + of(p.platform().os()) + of(p.platform().architecture());
      bytes += of(p.platform().variant());
      bytes += of(p.manifestDigest()) + of(p.configDigest()) + of(p.uncompressedSize());
      for (LayerFacts layer : p.layers()) {
        bytes += ENTRY + OBJECT + of(layer.digest()) + of(layer.mediaType());
        bytes += of(layer.uncompressedSize()) + of(layer.createdBy());
      }
      if (p.baseImage() != null) {
        bytes += OBJECT + of(p.baseImage().name()) + of(p.baseImage().digest());
      }
      bytes += of(p.labels());
    }
    return bytes;
  }

  /** A weight for Caffeine: the estimate, clamped to an int. */
  static int weight(long bytes) {
    return (int) Math.min(bytes, Integer.MAX_VALUE);
  }
}
