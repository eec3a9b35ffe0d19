package dev.tonnage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The regular files of an uncompressed tar archive ({@code oci-archive:}, {@code docker-archive:}),
 * indexed by one pass over its headers and read in place: nothing is extracted and no file is held
 * in memory. ustar, GNU long names and PAX paths and sizes are understood. The archive is outside
 * input: entries are counted, names capped, and a name or link that would leave the archive's root
 * ({@code ../}, an absolute name, a symbolic link pointing out) refuses the whole archive.
 */
final class TarEntries implements LocalBlobs {

  /** Entries one archive may have: an image of 256 layers has a few hundred. */
  static final int MAX_ENTRIES = 10_000;

  /** The longest name or link read (PATH_MAX). */
  static final int MAX_NAME_LENGTH = 4096;

  /** The largest PAX extended header read; a path and a few times are under 5 KiB. */
  static final int MAX_PAX_BYTES = 64 * 1024;

  /** Links followed from one name; docker save links a repeated layer once. */
  static final int MAX_LINK_HOPS = 8;

  private static final int BLOCK = 512;

  private record Entry(long offset, long size, String link) {}

  private final Path file;
  private final String kind;
  private final FileChannel channel;
  private final Map<String, Entry> entries;

  private TarEntries(Path file, String kind, FileChannel channel, Map<String, Entry> entries) {
    this.file = file;
    this.kind = kind;
    this.channel = channel;
    this.entries = entries;
  }

  /**
   * Indexes the tar archive {@code file}; {@code kind} names it in messages (e.g. {@code
   * docker-archive}).
   */
  static TarEntries open(Path file, String kind) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new TarEntries(file, kind, channel, new Indexer(file, kind, channel).index());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public long size(String name) throws IOException {
    Entry entry = find(name);
    return entry == null ? -1 : entry.size();
  }

  @Override
  public InputStream open(String name) throws IOException {
    Entry entry = find(name);
    if (entry == null) {
      throw new LocalImageException(name + " is missing from " + this);
    }
    return new Region(channel, entry.offset(), entry.size());
  }

  private Entry find(String name) throws IOException {
    String current = checkedName(name, this);
    for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      Entry entry = entries.get(current);
      if (entry == null || entry.link() == null) {
        return entry;
      }
      current = entry.link();
    }
    throw new LocalImageException(
        name + " in " + this + " is a chain of more than " + MAX_LINK_HOPS + " links");
  }

  @Override
  public String toString() {
    return kind + " " + file;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /**
   * {@code name} without {@code ./}, empty components or a trailing slash; refused when absolute or
   * when a component is {@code ..}. Linear in the (capped) length.
   */
  static String checkedName(String name, Object where) throws LocalImageException {
    if (name.length() > MAX_NAME_LENGTH) {
      throw new LocalImageException(
          "a name in "
              + where
              + " is "
              + name.length()
              + " characters; at most "
              + MAX_NAME_LENGTH);
    }
    if (name.startsWith("/")) {
      throw new LocalImageException(
          "\""
              + ManifestParser.quoted(name)
              + "\" in "
              + where
              + " is an absolute name; an image's files are named relative to its root");
    }
    StringBuilder normalized = new StringBuilder();
    for (String component : name.split("/", -1)) {
      if (component.equals("..")) {
        throw new LocalImageException(
            "\""
                + ManifestParser.quoted(name)
                + "\" in "
                + where
                + " climbs out with '..'; refusing the archive (path traversal)");
      }
      if (!component.isEmpty() && !component.equals(".")) {
        if (normalized.length() > 0) {
          normalized.append('/');
        }
        normalized.append(component);
      }
    }
    return normalized.toString();
  }

  /** The root-relative name a symbolic link at {@code name} to {@code target} points at. */
  private static String linkTarget(String name, String target, Object where)
      throws LocalImageException {
    if (target.startsWith("/")) {
      throw new LocalImageException(
          name
              + " in "
              + where
              + " is a link to the absolute name "
              + ManifestParser.quoted(target)
              + ", outside the archive; refusing it");
    }
    Deque<String> path = new ArrayDeque<>();
    int slash = name.lastIndexOf('/');
    if (slash > 0) {
      for (String component : name.substring(0, slash).split("/")) {
        path.addLast(component);
      }
    }
    for (String component : target.split("/", -1)) {
      if (component.equals("..")) {
        if (path.isEmpty()) {
          throw new LocalImageException(
              name
                  + " in "
                  + where
                  + " is a link to "
                  + ManifestParser.quoted(target)
                  + ", outside the archive; refusing it (path traversal)");
        }
        path.removeLast();
      } else if (!component.isEmpty() && !component.equals(".")) {
        path.addLast(component);
      }
    }
    return String.join("/", path);
  }

  /** One pass over the headers. */
  private static final class Indexer {
    private final Path file;
    private final String kind;
    private final FileChannel channel;
    private final long length;
    private final Map<String, Entry> entries = new HashMap<>();
    private final ByteBuffer header = ByteBuffer.allocate(BLOCK);
    private long position;
    private int count;
    // Set by GNU long-name entries and PAX headers for the entry that follows them.
    private String nextName;
    private String nextLink;
    private long nextSize = -1;

    Indexer(Path file, String kind, FileChannel channel) throws IOException {
      this.file = file;
      this.kind = kind;
      this.channel = channel;
      this.length = channel.size();
    }

    Map<String, Entry> index() throws IOException {
      while (position + BLOCK <= length) {
        header.clear();
        readFully(header, position);
        byte[] block = header.array();
        if (isZero(block)) {
          break;
        }
        if (++count > MAX_ENTRIES) {
          throw corrupt("has more than " + MAX_ENTRIES + " entries; Tonnage reads at most that");
        }
        checkChecksum(block);
        char type = (char) block[156];
        long size = nextSize >= 0 ? nextSize : number(block, 124, 12);
        long data = position + BLOCK;
        if (size < 0 || size > length - data) {
          throw corrupt("entry at byte " + position + " declares " + size + " bytes past its end");
        }
        position = data + (size + BLOCK - 1) / BLOCK * BLOCK;
        switch (type) {
          case 'L' -> nextName = text(data, size);
          case 'K' -> nextLink = text(data, size);
          case 'x' -> pax(data, size);
          case 'g' -> {
            // global PAX header: nothing Tonnage needs
          }
          default -> add(type, block, data, size);
        }
      }
      return entries;
    }

    private void add(char type, byte[] block, long data, long size) throws IOException {
      String rawName = nextName != null ? nextName : ustarName(block);
      String rawLink = nextLink != null ? nextLink : string(block, 157, 100);
      nextName = null;
      nextLink = null;
      nextSize = -1;
      String name = checkedName(rawName, this);
      Entry entry =
          switch (type) {
            case '0', '\0', '7' -> new Entry(data, size, null);
            case '1' -> new Entry(0, 0, checkedName(rawLink, this));
            case '2' -> new Entry(0, 0, linkTarget(name, rawLink, this));
            default -> null; // directories, devices, FIFOs: no content to read
          };
      if (entry != null && entries.putIfAbsent(name, entry) != null) {
        throw corrupt(
            "has two entries named " + ManifestParser.quoted(name) + "; refusing the ambiguity");
      }
    }

    private void pax(long data, long size) throws IOException {
      if (size > MAX_PAX_BYTES) {
        throw corrupt(
            "has a PAX header of " + size + " bytes; Tonnage reads at most " + MAX_PAX_BYTES);
      }
      String records = text(data, size);
      int at = 0;
      while (at < records.length()) {
        int space = records.indexOf(' ', at);
        int length = space < 0 ? -1 : parseLength(records.substring(at, space));
        // "LENGTH key=value\n": the length counts itself, the space and the newline, so a record
        // ends after its space.
        if (length <= 0 || at + length > records.length() || at + length - 1 < space + 1) {
          throw corrupt("has a malformed PAX header");
        }
        String record = records.substring(space + 1, at + length - 1);
        at += length;
        int equals = record.indexOf('=');
        if (equals < 0) {
          continue;
        }
        String key = record.substring(0, equals);
        String value = record.substring(equals + 1);
        switch (key) {
          case "path" -> nextName = value;
          case "linkpath" -> nextLink = value;
          case "size" -> nextSize = parseSize(value);
          default -> {
            // times, owners, xattrs: not needed
          }
        }
      }
    }

    private int parseLength(String digits) {
      if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
        return -1;
      }
      return Integer.parseInt(digits);
    }

    private long parseSize(String digits) throws LocalImageException {
      if (digits.isEmpty()
          || digits.length() > 18
          || !digits.chars().allMatch(Character::isDigit)) {
        throw corrupt("has a PAX size that is not a number");
      }
      return Long.parseLong(digits);
    }

    private String text(long data, long size) throws IOException {
      if (size > MAX_PAX_BYTES) {
        throw corrupt("has a long name of " + size + " bytes; at most " + MAX_NAME_LENGTH);
      }
      ByteBuffer content = ByteBuffer.allocate((int) size);
      readFully(content, data);
      String text = new String(content.array(), StandardCharsets.UTF_8);
      int nul = text.indexOf('\0');
      return nul < 0 ? text : text.substring(0, nul);
    }

    private static String ustarName(byte[] block) {
      String name = string(block, 0, 100);
      boolean ustar =
          block[257] == 'u'
              && block[258] == 's'
              && block[259] == 't'
              && block[260] == 'a'
              && block[261] == 'r';
      String prefix = ustar ? string(block, 345, 155) : "";
      return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String string(byte[] block, int offset, int length) {
      int end = offset;
      while (end < offset + length && block[end] != 0) {
        end++;
      }
      return new String(block, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** An octal field, or GNU base-256 when its first byte has the high bit set. */
    private long number(byte[] block, int offset, int length) throws LocalImageException {
      if ((block[offset] & 0x80) != 0) {
        long value = block[offset] & 0x7f;
        for (int i = offset + 1; i < offset + length; i++) {
          if (value > (Long.MAX_VALUE >>> 8)) {
            throw corrupt("has a size field out of range at byte " + position);
          }
          value = value << 8 | (block[i] & 0xff);
        }
        return value;
      }
      long value = 0;
      boolean started = false;
      for (int i = offset; i < offset + length; i++) {
        byte b = block[i];
        if (b == 0 || b == ' ') {
          if (started) {
            break;
          }
          continue;
        }
        if (b < '0' || b > '7' || value > (Long.MAX_VALUE >>> 3)) {
          throw corrupt("has a numeric field that is not octal at byte " + position);
        }
        started = true;
        value = value * 8 + (b - '0');
      }
      return value;
    }

    private void checkChecksum(byte[] block) throws LocalImageException {
      long sum = 0;
      for (int i = 0; i < BLOCK; i++) {
        sum += i >= 148 && i < 156 ? ' ' : block[i] & 0xff;
      }
      long stored;
      try {
        stored = number(block, 148, 8);
      } catch (LocalImageException e) {
        stored = -1;
      }
      if (stored != sum) {
        throw corrupt(
            "is not an uncompressed tar archive (header checksum wrong at byte "
                + position
                + "); give the .tar itself, not a compressed one");
      }
    }

    private void readFully(ByteBuffer buffer, long at) throws IOException {
      long offset = at;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, offset);
        if (n < 0) {
          throw corrupt("ends in the middle of an entry");
        }
        offset += n;
      }
    }

    private static boolean isZero(byte[] block) {
      for (byte b : block) {
        if (b != 0) {
          return false;
        }
      }
      return true;
    }

    private LocalImageException corrupt(String what) {
      return new LocalImageException(this + " " + what);
    }

    @Override
    public String toString() {
      return kind + " " + file;
    }
  }

  /** A stretch of the archive, read in place. */
  private static final class Region extends InputStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    Region(FileChannel channel, long offset, long size) {
      this.channel = channel;
      this.position = offset;
      this.end = offset + size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (position >= end) {
        return -1;
      }
      int wanted = (int) Math.min(length, end - position);
      int n = channel.read(ByteBuffer.wrap(buffer, offset, wanted), position);
      if (n < 0) {
        throw new LocalImageException("the archive ended before the entry did");
      }
      position += n;
      return n;
    }
  }
}
