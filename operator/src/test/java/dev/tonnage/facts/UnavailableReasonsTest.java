package dev.tonnage.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnavailableReasonsTest {

  @Test
  void theTroubleshootingGuideNamesEveryReason() throws Exception {
    String guide = Files.readString(Path.of("../docs/troubleshooting.md"));
    assertThat(reasons()).hasSize(12).allSatisfy(r -> assertThat(guide).contains("`" + r + "`"));
    assertThat(guide).contains(FactsService.MAX_IMAGES_PER_REVIEW + " distinct images");
  }

  @Test
  void theTroubleshootingGuideNamesEveryShortCause() throws Exception {
    String guide = Files.readString(Path.of("../docs/troubleshooting.md"));
    assertThat(UnavailableReasons.SHORT_CAUSES.values())
        .allSatisfy(cause -> assertThat(guide).contains(cause));
    assertThat(guide).contains("`rate limited`", "`registry unavailable`", "`internal error`");
  }

  private static List<String> reasons() throws IllegalAccessException {
    List<String> words = new ArrayList<>();
    for (Field field : UnavailableReasons.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        words.add((String) field.get(null));
      }
    }
    return words;
  }
}
