package dev.tonnage.testing.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** OCI digests ({@code sha256:HEX}) of content. */
public final class Sha256 {

  private Sha256() {}

  public static String digest(byte[] content) {
    return "sha256:" + HexFormat.of().formatHex(newDigest().digest(content));
  }

  public static String digest(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = newDigest();
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** An output stream that counts and hashes what passes through it, and discards it. */
  static final class CountingDigestStream extends OutputStream {
    private final MessageDigest digest = newDigest();
    private long count;

    @Override
    public void write(int b) {
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }

    String digest() {
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }
  }
}
