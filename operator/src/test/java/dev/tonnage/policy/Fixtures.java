package dev.tonnage.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.registry.BaseImage;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.UncompressedSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Facts, policies and workloads for the policy tests. */
final class Fixtures {

  static final long MIB = 1L << 20;
  static final long GIB = 1L << 30;
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Fixtures() {}

  /** Image facts from {@code src/test/resources/policy/facts/NAME.json}. */
  static ImageFacts facts(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/policy/facts/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return JSON.readValue(in, ImageFacts.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A text resource below {@code src/test/resources/policy/}. */
  static String resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/policy/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<CompiledPolicy> policies(String yaml) {
    return PolicyDocuments.parse("test.yaml", yaml);
  }

  /** A ClusterImagePolicy named {@code test} with {@code spec} (YAML, indented by 2). */
  static CompiledPolicy cluster(String spec) {
    return policies(
            "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: test}\n"
                + "spec:\n"
                + spec.indent(2))
        .get(0);
  }

  /** An ImagePolicy {@code team-a/test} with {@code spec} (YAML). */
  static CompiledPolicy namespaced(String namespace, String spec) {
    return policies(
            "apiVersion: tonnage.dev/v1alpha1\nkind: ImagePolicy\n"
                + "metadata: {name: test, namespace: "
                + namespace
                + "}\nspec:\n"
                + spec.indent(2))
        .get(0);
  }

  /** A Pod in {@code namespace} (labels none) with one container per image, named c0, c1... */
  static WorkloadContext pod(String namespace, String... images) {
    return workload(namespace, Map.of(), Map.of(), PlatformConstraints.NONE, images);
  }

  static WorkloadContext workload(
      String namespace,
      Map<String, String> namespaceLabels,
      Map<String, String> labels,
      PlatformConstraints platforms,
      String... images) {
    List<ContainerImage> containers = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      containers.add(new ContainerImage("c" + i, ContainerImage.Type.CONTAINER, images[i]));
    }
    return new WorkloadContext(
        "Pod", namespace, namespaceLabels, "web-0", labels, containers, platforms);
  }

  /** Facts lookup answering for {@code facts}, by their reference. */
  static Function<ImageReference, FactsOutcome> found(ImageFacts... facts) {
    Map<ImageReference, FactsOutcome> map = new HashMap<>();
    Arrays.stream(facts).forEach(f -> map.put(f.reference(), new FactsOutcome.Found(f)));
    return map::get;
  }

  /** Facts of {@code reference} with the given platforms. */
  static ImageFacts image(String reference, PlatformFacts... platforms) {
    ImageReference ref = ImageReference.parse(reference);
    return new ImageFacts(
        ref,
        "sha256:" + "ab".repeat(32),
        "application/vnd.oci.image.index.v1+json",
        List.of(platforms));
  }

  /**
   * One platform of an image with layers of the given compressed sizes, each exactly 2x unpacked.
   */
  static PlatformFacts platform(String platform, long... layerSizes) {
    List<LayerFacts> layers = new ArrayList<>();
    for (int i = 0; i < layerSizes.length; i++) {
      layers.add(
          new LayerFacts(
              "sha256:" + String.format("%064x", i),
              "application/vnd.oci.image.layer.v1.tar+gzip",
              layerSizes[i],
              UncompressedSize.exact(layerSizes[i] * 2, "gzip-trailer"),
              "/bin/sh -c step-" + i));
    }
    return withLayers(platform, layers, null);
  }

  static PlatformFacts withLayers(String platform, List<LayerFacts> layers, BaseImage base) {
    long compressed = 1000 + layers.stream().mapToLong(LayerFacts::size).sum();
    UncompressedSize unpacked = null;
    for (LayerFacts l : layers) {
      if (l.uncompressedSize() == null) {
        unpacked = null;
        break;
      }
      unpacked = unpacked == null ? l.uncompressedSize() : unpacked.plus(l.uncompressedSize());
    }
    return new PlatformFacts(
        Platform.parse(platform),
        "sha256:" + "cd".repeat(32),
        "sha256:" + "ef".repeat(32),
        compressed,
        unpacked,
        layers.size(),
        layers.stream().mapToLong(LayerFacts::size).max().orElse(0),
        layers,
        base,
        Map.of());
  }

  /** {@code facts} with the uncompressed size replaced. */
  static PlatformFacts withUncompressed(PlatformFacts facts, UncompressedSize size) {
    return new PlatformFacts(
        facts.platform(),
        facts.manifestDigest(),
        facts.configDigest(),
        facts.compressedSize(),
        size,
        facts.layerCount(),
        facts.largestLayerSize(),
        facts.layers(),
        facts.baseImage(),
        facts.labels());
  }

  /** {@code facts} with the base image replaced. */
  static PlatformFacts withBase(PlatformFacts facts, BaseImage base) {
    return withLayers(facts.platform().toString(), facts.layers(), base);
  }
}
