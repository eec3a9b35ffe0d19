package dev.tonnage.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The parts of an image config blob Tonnage reads: platform, labels, history, diff IDs. */
record ImageConfig(
    String os,
    String architecture,
    String variant,
    Section config,
    List<History> history,
    RootFs rootfs) {

  ImageConfig {
    history = history == null ? List.of() : List.copyOf(history);
  }

  Map<String, String> labels() {
    return config == null || config.labels() == null ? Map.of() : config.labels();
  }

  /** The {@code config} section; only labels matter here. */
  record Section(@JsonProperty("Labels") Map<String, String> labels) {}

  /** One build step; {@code empty_layer} steps made no layer. */
  record History(
      @JsonProperty("created_by") String createdBy,
      @JsonProperty("empty_layer") boolean emptyLayer,
      String comment) {}

  record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {}
}
