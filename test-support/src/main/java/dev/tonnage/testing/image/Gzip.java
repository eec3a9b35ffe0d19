package dev.tonnage.testing.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip as image layers use it; the JDK writes mtime 0, so output is reproducible. */
public final class Gzip {

  private Gzip() {}

  public static byte[] compress(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 2 + 64);
    try (OutputStream gzip = open(out)) {
      gzip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A gzip stream at the default level (6), which compresses zeros about 1030:1. */
  static OutputStream open(OutputStream out) throws IOException {
    return new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.DEFAULT_COMPRESSION);
      }
    };
  }

  /** The exact decompressed length, by inflating every member of the stream. */
  public static long decompressedSize(InputStream compressed) {
    try (InputStream in = new GZIPInputStream(compressed, 1 << 16)) {
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException("not a valid gzip stream", e);
    }
  }
}
