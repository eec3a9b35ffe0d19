package dev.tonnage.testing.image;

/**
 * A layer's compressed blob and what was measured while compressing it.
 *
 * @param blob the compressed bytes as pushed
 * @param uncompressedSize the number of bytes that went into the compressor
 * @param diffId the digest of those bytes ({@code rootfs.diff_ids} in the config)
 */
record BuiltLayer(Blob blob, long uncompressedSize, String diffId) {}
