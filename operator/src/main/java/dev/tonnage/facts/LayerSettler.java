package dev.tonnage.facts;

import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.UncompressedSize;
import java.util.concurrent.CompletableFuture;

/**
 * Settles a layer's uncompressed size exactly by streaming it through a decoder (the registry
 * engine's {@code streamUncompressedSize}): what turns an uncertain verdict, a limit inside the
 * bounds a gzip trailer gives, into a certain one. Later inspections report the settled size.
 */
@FunctionalInterface
public interface LayerSettler {

  CompletableFuture<UncompressedSize> settle(ImageReference image, LayerFacts layer);
}
