package dev.tonnage.testing.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Content addressed by its digest, held in memory or, for large layers, in a file. Not a record:
 * its byte array must not be shared or compared by reference.
 */
public final class Blob {

  private final String digest;
  private final long size;
  private final byte[] bytes;
  private final Path file;

  private Blob(String digest, long size, byte[] bytes, Path file) {
    this.digest = digest;
    this.size = size;
    this.bytes = bytes;
    this.file = file;
  }

  public static Blob of(byte[] content) {
    return new Blob(Sha256.digest(content), content.length, content.clone(), null);
  }

  /** A blob stored in {@code file} whose digest and size are already known. */
  static Blob ofFile(Path file, String digest, long size) {
    return new Blob(digest, size, null, file);
  }

  public String digest() {
    return digest;
  }

  public long size() {
    return size;
  }

  /** The file holding the content, or null when it is in memory. */
  public Path file() {
    return file;
  }

  public InputStream open() {
    if (bytes != null) {
      return new ByteArrayInputStream(bytes);
    }
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + digest + " from " + file, e);
    }
  }

  public byte[] bytes() {
    if (bytes != null) {
      return bytes.clone();
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + digest + " from " + file, e);
    }
  }

  @Override
  public String toString() {
    return "Blob[" + digest + ", " + size + " bytes]";
  }
}
