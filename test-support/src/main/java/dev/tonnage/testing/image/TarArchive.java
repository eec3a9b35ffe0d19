package dev.tonnage.testing.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A POSIX ustar archive, the content of an image layer. Written by hand because no tar library is
 * managed by the build; entries are deterministic (mtime 0, uid/gid 0) so equal specs give equal
 * digests.
 */
public final class TarArchive {

  static final int BLOCK = 512;

  /** ustar's 11 octal digits: the largest entry is 8 GiB - 1. */
  static final long MAX_ENTRY_SIZE = 077777777777L;

  private final List<Entry> entries;

  private TarArchive(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An archive holding one text file. */
  public static TarArchive ofFile(String path, String content) {
    return builder().file(path, content).build();
  }

  /** The archive's length in bytes, end-of-archive blocks included. */
  public long size() {
    long size = 2L * BLOCK;
    for (Entry entry : entries) {
      size += BLOCK + padded(entry.content().size());
    }
    return size;
  }

  public byte[] toBytes() {
    if (size() > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("archive of " + size() + " bytes does not fit in memory");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) size());
    writeTo(out);
    return out.toByteArray();
  }

  public void writeTo(OutputStream out) {
    try {
      for (Entry entry : entries) {
        out.write(header(entry));
        long written = entry.content().writeTo(out);
        out.write(new byte[(int) (padded(written) - written)]);
      }
      out.write(new byte[2 * BLOCK]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tar archive", e);
    }
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  static byte[] header(Entry entry) {
    byte[] header = new byte[BLOCK];
    String name = entry.path();
    String prefix = "";
    if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
      // ustar splits long paths at a slash into prefix (<= 155 bytes) and name (<= 100 bytes).
      int split = -1;
      for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
        if (i <= 155 && name.length() - i - 1 <= 100 && i < name.length() - 1) {
          split = i;
          break;
        }
      }
      if (split < 0) {
        throw new IllegalArgumentException("tar path too long for ustar: " + name);
      }
      prefix = name.substring(0, split);
      name = name.substring(split + 1);
    }
    put(header, 0, 100, name);
    putOctal(header, 100, 8, entry.mode());
    putOctal(header, 108, 8, 0); // uid
    putOctal(header, 116, 8, 0); // gid
    putOctal(header, 124, 12, entry.content().size());
    putOctal(header, 136, 12, 0); // mtime: fixed, for reproducible digests
    header[156] = (byte) entry.type();
    put(header, 157, 100, entry.linkTarget());
    put(header, 257, 6, "ustar");
    put(header, 263, 2, "00");
    put(header, 265, 32, "root");
    put(header, 297, 32, "root");
    put(header, 345, 155, prefix);
    // The checksum is computed with its own field read as eight spaces.
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    String checksum = String.format("%06o", sum);
    put(header, 148, 6, checksum);
    header[154] = 0;
    header[155] = ' ';
    return header;
  }

  private static void put(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > length) {
      throw new IllegalArgumentException("tar header field too long (" + length + "): " + value);
    }
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private static void putOctal(byte[] header, int offset, int length, long value) {
    String octal = Long.toOctalString(value);
    if (octal.length() > length - 1) {
      throw new IllegalArgumentException(
          "value " + value + " does not fit a " + length + "-byte tar field");
    }
    put(header, offset, length - 1, "0".repeat(length - 1 - octal.length()) + octal);
  }

  /** What a tar entry holds, streamed so that multi-GiB entries never sit in memory. */
  interface EntryContent {
    long size();

    /** Writes exactly {@link #size()} bytes and returns that count. */
    long writeTo(OutputStream out) throws IOException;
  }

  record Bytes(byte[] bytes) implements EntryContent {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public long writeTo(OutputStream out) throws IOException {
      out.write(bytes);
      return bytes.length;
    }
  }

  record Zeros(long size) implements EntryContent {
    @Override
    public long writeTo(OutputStream out) throws IOException {
      byte[] chunk = new byte[(int) Math.min(size, 1 << 20)];
      for (long left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(left, chunk.length));
      }
      return size;
    }
  }

  /** Incompressible bytes from a seeded generator: a layer whose compressed size is its size. */
  record RandomBytes(long size, long seed) implements EntryContent {
    @Override
    public long writeTo(OutputStream out) throws IOException {
      Random random = new Random(seed);
      byte[] chunk = new byte[(int) Math.min(size, 1 << 16)];
      for (long left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(left, chunk.length));
      }
      return size;
    }
  }

  record Entry(String path, char type, int mode, String linkTarget, EntryContent content) {}

  /** Collects entries in order. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    public Builder file(String path, String content) {
      return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public Builder file(String path, byte[] content) {
      return add(new Entry(path, '0', 0644, "", new Bytes(content.clone())));
    }

    public Builder executable(String path, String content) {
      return add(
          new Entry(path, '0', 0755, "", new Bytes(content.getBytes(StandardCharsets.UTF_8))));
    }

    /** A file of {@code size} zero bytes: compresses about 1000:1 with gzip. */
    public Builder zeroFile(String path, long size) {
      return add(new Entry(path, '0', 0644, "", new Zeros(size)));
    }

    /** A file of {@code size} pseudo-random bytes: does not compress. */
    public Builder randomFile(String path, long size, long seed) {
      return add(new Entry(path, '0', 0644, "", new RandomBytes(size, seed)));
    }

    public Builder directory(String path) {
      String dir = path.endsWith("/") ? path : path + "/";
      return add(new Entry(dir, '5', 0755, "", new Bytes(new byte[0])));
    }

    public Builder symlink(String path, String target) {
      return add(new Entry(path, '2', 0777, target, new Bytes(new byte[0])));
    }

    private Builder add(Entry entry) {
      if (entry.path().isEmpty() || entry.path().startsWith("/")) {
        throw new IllegalArgumentException(
            "tar paths are relative and not empty, found \"" + entry.path() + "\"");
      }
      if (entry.content().size() > MAX_ENTRY_SIZE) {
        throw new IllegalArgumentException(
            entry.path() + ": " + entry.content().size() + " bytes exceed ustar's 8 GiB limit");
      }
      entries.add(entry);
      return this;
    }

    public TarArchive build() {
      return new TarArchive(entries);
    }
  }
}
