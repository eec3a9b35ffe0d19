package dev.tonnage.registry;

import java.io.IOException;
import java.io.InputStream;

/**
 * The files of an image that has not been pushed: an OCI layout directory or a tar archive, read by
 * names relative to its root ({@code index.json}, {@code blobs/sha256/<hex>}). Implementations
 * refuse names and links that leave the root.
 */
interface LocalBlobs extends AutoCloseable {

  /** The size of the regular file {@code name}, or -1 when there is none. */
  long size(String name) throws IOException;

  /** The content of the regular file {@code name}; the caller closes it. */
  InputStream open(String name) throws IOException;

  /** At most {@code cap} bytes of {@code name}, refused when it is larger or missing. */
  default byte[] read(String name, long cap, String what) throws IOException {
    long size = size(name);
    if (size < 0) {
      throw new LocalImageException(what + " " + name + " is missing from " + this);
    }
    if (size > cap) {
      throw new LocalImageException(
          what
              + " "
              + name
              + " in "
              + this
              + " is "
              + size
              + " bytes; Tonnage reads at most "
              + cap);
    }
    try (InputStream in = open(name)) {
      return in.readNBytes((int) size);
    }
  }

  /** Where the blobs come from, for messages, e.g. {@code OCI layout /build/layout}. */
  @Override
  String toString();

  @Override
  void close() throws IOException;

  /** The name of a blob in an OCI layout: {@code blobs/<algorithm>/<hex>}. */
  static String blobName(String digest) {
    int colon = digest.indexOf(':');
    return "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
  }
}
