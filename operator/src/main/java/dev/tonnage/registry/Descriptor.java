package dev.tonnage.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about a blob or child manifest. */
record Descriptor(
    String mediaType,
    String digest,
    long size,
    Map<String, String> annotations,
    PlatformSpec platform,
    List<String> urls,
    String artifactType) {

  Descriptor {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    urls = urls == null ? List.of() : List.copyOf(urls);
  }

  /** The platform object of an index entry. */
  record PlatformSpec(
      String os,
      String architecture,
      String variant,
      @JsonProperty("os.version") String osVersion) {

    Platform toPlatform() {
      return new Platform(
          os == null ? "unknown" : os, architecture == null ? "unknown" : architecture, variant);
    }
  }
}
