package dev.tonnage.testing.image;

/** Where {@link ExpectedFacts} reads the bytes it measures. */
interface ImageContent {

  /** The manifest with {@code digest}. */
  byte[] manifest(String digest);

  /** The blob (a config) with {@code digest}. */
  byte[] blob(String digest);

  /** The exact uncompressed size of layer {@code digest}. */
  long uncompressedSize(String digest, String mediaType, long size);
}
