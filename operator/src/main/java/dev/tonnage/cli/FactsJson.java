package dev.tonnage.cli;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.Platform;

/**
 * The JSON form of image facts: the records' fields, with references and platforms as the strings
 * users type ({@code ghcr.io/acme/app:1}, {@code linux/arm64}).
 */
final class FactsJson {
  private FactsJson() {}

  private abstract static class AsString {
    @JsonValue
    @Override
    public abstract String toString();
  }

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addMixIn(ImageReference.class, AsString.class)
          .addMixIn(Platform.class, AsString.class)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  static String write(Object factsOrList) {
    try {
      return JSON.writeValueAsString(factsOrList);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("facts are always serializable", e);
    }
  }

  static ImageFacts read(String json) throws JsonProcessingException {
    return JSON.readValue(json, ImageFacts.class);
  }
}
