package dev.tonnage;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md states every bound with its value and the constant that holds it; this keeps the
 * two in step. A table row whose third cell names constants ({@code `Class.FIELD`, `OTHER`}) must
 * give as many values in its second cell ({@code 256 / 64 characters}, {@code 1 MiB}), in order.
 */
class SecurityDocTest {

  private static final List<String> PACKAGES =
      List.of(
          "dev.tonnage.registry",
          "dev.tonnage.policy",
          "dev.tonnage.admission",
          "dev.tonnage.audit",
          "dev.tonnage.metrics",
          "dev.tonnage.facts",
          "dev.tonnage.events",
          "dev.tonnage.operator",
          "dev.tonnage.api.v1alpha1",
          "dev.tonnage.manifests",
          "dev.tonnage.registry.cloud");

  private record Bound(String row, String constant, long documented) {}

  @Test
  void everyBoundInTheSecurityDocsIsTheValueInTheCode() throws Exception {
    List<Bound> bounds = bounds(Files.readAllLines(Path.of("../docs/security.md")));
    assertThat(bounds).as("bounds found in docs/security.md").hasSizeGreaterThan(40);
    SoftAssertions soft = new SoftAssertions();
    for (Bound bound : bounds) {
      soft.assertThat(valueOf(bound.constant()))
          .as("%s in the row \"%s\"", bound.constant(), bound.row())
          .isEqualTo(bound.documented());
    }
    soft.assertAll();
  }

  @Test
  void aDocumentedValueReadsUnitsAndThousandsSeparators() {
    assertThat(parse("1,024")).isEqualTo(1024);
    assertThat(parse("7 MiB")).isEqualTo(7 * 1024 * 1024);
    assertThat(parse("64 KiB")).isEqualTo(64 * 1024);
    assertThat(parse("525 characters")).isEqualTo(525);
  }

  private static List<Bound> bounds(List<String> lines) {
    List<Bound> bounds = new ArrayList<>();
    for (String line : lines) {
      if (!line.startsWith("|")) {
        continue;
      }
      String[] cells = line.split("\\|");
      // cells[0] is the empty text before the first pipe.
      if (cells.length < 4 || !cells[3].contains("`")) {
        continue;
      }
      List<String> constants = constants(cells[3]);
      String[] values = cells[2].split(" / ");
      if (values.length != constants.size()) {
        throw new AssertionError(
            "row \""
                + line
                + "\" names "
                + constants.size()
                + " constants and gives "
                + List.of(values));
      }
      for (int i = 0; i < values.length; i++) {
        bounds.add(new Bound(cells[1].strip(), constants.get(i), parse(values[i])));
      }
    }
    return bounds;
  }

  /** {@code `A.X`, `Y`} is A.X and A.Y. */
  private static List<String> constants(String cell) {
    List<String> constants = new ArrayList<>();
    String owner = null;
    String[] parts = cell.split("`");
    for (int i = 1; i < parts.length; i += 2) {
      String name = parts[i];
      int dot = name.indexOf('.');
      if (dot > 0) {
        owner = name.substring(0, dot);
        constants.add(name);
      } else {
        constants.add(owner + "." + name);
      }
    }
    return constants;
  }

  private static long parse(String value) {
    String[] words = value.strip().split(" ");
    long number = Long.parseLong(words[0].replace(",", ""));
    String unit = words.length > 1 ? words[1] : "";
    return switch (unit) {
      case "MiB" -> number * 1024 * 1024;
      case "KiB" -> number * 1024;
      default -> number;
    };
  }

  private static long valueOf(String constant) throws Exception {
    int dot = constant.indexOf('.');
    String simpleName = constant.substring(0, dot);
    for (String pkg : PACKAGES) {
      Class<?> type;
      try {
        type = Class.forName(pkg + "." + simpleName);
      } catch (ClassNotFoundException e) {
        continue;
      }
      Field field = type.getDeclaredField(constant.substring(dot + 1));
      field.setAccessible(true);
      Object value = field.get(null);
      return value instanceof Duration duration
          ? duration.toSeconds()
          : ((Number) value).longValue();
    }
    throw new AssertionError("no class " + simpleName + " in " + PACKAGES);
  }
}
