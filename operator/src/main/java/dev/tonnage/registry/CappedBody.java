package dev.tonnage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import okhttp3.ResponseBody;

/** Reads response bodies with a size cap, so no registry can make Tonnage buffer without end. */
public final class CappedBody {
  private CappedBody() {}

  /** Manifests and indexes: the distribution spec's 4 MiB, what registries accept on push. */
  static final long MANIFEST_CAP = 4L * 1024 * 1024;

  /** Image configs: real ones are KiB to a few hundred KiB (history, env, labels). */
  static final long CONFIG_CAP = 8L * 1024 * 1024;

  /** Error bodies and token answers: a JSON object with a short message or a token. */
  public static final long SMALL_CAP = 64L * 1024;

  /** What a body may allocate before its bytes arrive. */
  private static final int FIRST_CHUNK = 64 * 1024;

  /** Thrown when a body is larger than its cap; carries the cap for the message. */
  static final class TooLargeException extends IOException {
    final long cap;

    TooLargeException(long cap) {
      super("body larger than " + cap + " bytes");
      this.cap = cap;
    }
  }

  /** The whole body, failing once it exceeds {@code cap} bytes (declared or actual). */
  public static byte[] read(ResponseBody body, long cap) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    long declared = body.contentLength();
    if (declared > cap) {
      throw new TooLargeException(cap);
    }
    try (InputStream in = body.byteStream()) {
      // Grows as bytes arrive: a declared length alone allocates at most the first chunk.
      byte[] buffer =
          new byte[(int) Math.min(Math.min(Math.max(declared, 8192), FIRST_CHUNK), cap + 1)];
      int length = 0;
      while (true) {
        if (length == buffer.length) {
          if (length > cap) {
            throw new TooLargeException(cap);
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, cap + 1));
        }
        int n = in.read(buffer, length, buffer.length - length);
        if (n < 0) {
          break;
        }
        length += n;
        if (length > cap) {
          throw new TooLargeException(cap);
        }
      }
      return Arrays.copyOf(buffer, length);
    }
  }

  /**
   * A body whose size its parent descriptor declared (-1: unknown): at most that many bytes, so
   * what a fetch reserved for it holds; longer is refused (its digest could not match either).
   */
  static byte[] readDeclared(
      ResponseBody body, long declared, long cap, ImageReference ref, String what)
      throws IOException, InvalidManifestException {
    if (declared < 0 || declared >= cap) {
      return read(body, cap);
    }
    try {
      return read(body, declared);
    } catch (TooLargeException e) {
      throw new InvalidManifestException(
          ref.registry(),
          ref.repository(),
          what
              + " of "
              + ref.name()
              + " is longer than the "
              + declared
              + " bytes its descriptor declares; the registry serves other content than the"
              + " image names",
          e);
    }
  }

  /** Best effort for error bodies: what fits in the small cap, never an exception. */
  static byte[] readQuietly(ResponseBody body) {
    if (body == null) {
      return new byte[0];
    }
    try (InputStream in = body.byteStream()) {
      return in.readNBytes((int) SMALL_CAP);
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
