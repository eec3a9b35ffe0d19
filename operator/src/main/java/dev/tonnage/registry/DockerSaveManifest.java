package dev.tonnage.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One image of a {@code docker save} archive's {@code manifest.json}.
 *
 * @param config the name of the image config file in the archive
 * @param repoTags the names the image was saved under
 * @param layers the names of the layer tars in the archive, base first
 */
record DockerSaveManifest(
    @JsonProperty("Config") String config,
    @JsonProperty("RepoTags") List<String> repoTags,
    @JsonProperty("Layers") List<String> layers) {

  DockerSaveManifest {
    repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
    layers = layers == null ? List.of() : List.copyOf(layers);
  }
}
