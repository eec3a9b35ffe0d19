package dev.tonnage.registry;

/**
 * One layer of an image as the manifest and config describe it.
 *
 * @param digest the layer blob digest
 * @param mediaType the layer media type (gzip, zstd, uncompressed, non-distributable ...)
 * @param size compressed size in bytes, from the manifest
 * @param uncompressedSize null when it could not be read (unknown, never 0)
 * @param createdBy the {@code created_by} of the config history entry that made the layer, or null
 */
public record LayerFacts(
    String digest,
    String mediaType,
    long size,
    UncompressedSize uncompressedSize,
    String createdBy) {}
