package dev.tonnage.testing.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A manifest as the registry served it.
 *
 * @param digest the {@code Docker-Content-Digest} header
 * @param mediaType the {@code Content-Type} header
 * @param content the exact bytes
 */
public record FetchedManifest(String digest, String mediaType, byte[] content) {

  public FetchedManifest {
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FetchedManifest that
        && digest.equals(that.digest)
        && mediaType.equals(that.mediaType)
        && Arrays.equals(content, that.content);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "FetchedManifest[" + digest + ", " + mediaType + ", " + content.length + " bytes]";
  }
}
