package dev.tonnage.testing.image;

import java.io.ByteArrayOutputStream;

/**
 * Writes valid Zstandard frames (RFC 8878) made of raw and RLE blocks only: no entropy coding, so
 * no zstd library is needed, and any zstd decoder reads them. Also measures such frames.
 */
public final class ZstdFrames {

  static final int MAGIC = 0xFD2FB528;
  static final int MAX_BLOCK_SIZE = 128 * 1024;

  /** Window_Descriptor for a 128 KiB window: exponent 7 (2^(10+7)), mantissa 0. */
  private static final int WINDOW_128_KIB = 7 << 3;

  /** Runs of one byte at least this long become RLE blocks. */
  private static final int MIN_RLE_RUN = 16;

  private static final int BLOCK_RAW = 0;
  private static final int BLOCK_RLE = 1;

  private ZstdFrames() {}

  /**
   * One frame holding {@code content}.
   *
   * @param declareContentSize whether the header carries Frame_Content_Size; without it a reader
   *     cannot know the uncompressed size from the header
   */
  public static byte[] frame(byte[] content, boolean declareContentSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 32);
    writeLittleEndian(out, MAGIC, 4);
    long size = content.length;
    if (!declareContentSize) {
      out.write(0); // FCS flag 0 without single segment: no content size field
      out.write(WINDOW_128_KIB);
    } else if (size < 256) {
      out.write(0b0010_0000); // single segment, 1-byte content size
      out.write((int) size);
    } else if (size < 65536 + 256) {
      out.write(0b0110_0000); // single segment, 2-byte content size stored minus 256
      writeLittleEndian(out, size - 256, 2);
    } else {
      out.write(0b1000_0000); // 4-byte content size, 128 KiB window
      out.write(WINDOW_128_KIB);
      writeLittleEndian(out, size, 4);
    }
    int offset = 0;
    do {
      int length = Math.min(MAX_BLOCK_SIZE, content.length - offset);
      boolean last = offset + length == content.length;
      if (length >= MIN_RLE_RUN && isRun(content, offset, length)) {
        writeBlockHeader(out, last, BLOCK_RLE, length);
        out.write(content[offset]);
      } else {
        writeBlockHeader(out, last, BLOCK_RAW, length);
        out.write(content, offset, length);
      }
      offset += length;
    } while (offset < content.length);
    return out.toByteArray();
  }

  /**
   * The decompressed size of a sequence of frames of raw and RLE blocks, counted block by block
   * (independent of any declared content size).
   *
   * @throws IllegalArgumentException for compressed blocks, which this class cannot measure
   */
  public static long decompressedSize(byte[] frames) {
    long total = 0;
    int pos = 0;
    while (pos < frames.length) {
      int magic = (int) readLittleEndian(frames, pos, 4);
      pos += 4;
      if ((magic & 0xFFFFFFF0) == 0x184D2A50) { // skippable frame
        pos += 4 + (int) readLittleEndian(frames, pos, 4);
        continue;
      }
      if (magic != MAGIC) {
        throw new IllegalArgumentException("not a zstd frame at offset " + (pos - 4));
      }
      int descriptor = frames[pos++] & 0xff;
      int fcsFlag = descriptor >>> 6;
      boolean singleSegment = (descriptor & 0x20) != 0;
      boolean checksum = (descriptor & 0x04) != 0;
      int dictionaryIdSize = new int[] {0, 1, 2, 4}[descriptor & 0x03];
      int fcsSize = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[fcsFlag];
      pos += (singleSegment ? 0 : 1) + dictionaryIdSize + fcsSize;
      boolean last;
      do {
        int header = (int) readLittleEndian(frames, pos, 3);
        pos += 3;
        last = (header & 1) != 0;
        int type = (header >>> 1) & 3;
        int size = header >>> 3;
        switch (type) {
          case BLOCK_RAW -> pos += size;
          case BLOCK_RLE -> pos += 1;
          default ->
              throw new IllegalArgumentException(
                  "zstd block type " + type + ": only raw and RLE blocks can be measured here");
        }
        total += size;
      } while (!last);
      pos += checksum ? 4 : 0;
    }
    return total;
  }

  private static boolean isRun(byte[] content, int offset, int length) {
    byte first = content[offset];
    for (int i = offset + 1; i < offset + length; i++) {
      if (content[i] != first) {
        return false;
      }
    }
    return true;
  }

  private static void writeBlockHeader(
      ByteArrayOutputStream out, boolean last, int type, int size) {
    writeLittleEndian(out, (long) size << 3 | (long) type << 1 | (last ? 1 : 0), 3);
  }

  private static void writeLittleEndian(ByteArrayOutputStream out, long value, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
  }

  private static long readLittleEndian(byte[] data, int pos, int bytes) {
    if (pos + bytes > data.length) {
      throw new IllegalArgumentException("truncated zstd data at offset " + pos);
    }
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value |= (long) (data[pos + i] & 0xff) << (8 * i);
    }
    return value;
  }
}
