package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.RecordedViolation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusLimitsTest {

  // 100 KB of what expands most in JSON: quotes, backslashes, control characters, multi-byte
  // and astral characters, and a lone surrogate that a JSON writer cannot encode.
  private static final String HOSTILE = hostile(100_000);

  @Test
  void fiftyHostileViolationsAndConditionsSerializeFarBelowTheObjectSizeLimit() {
    List<RecordedViolation> violations = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      violations.add(hostileViolation());
    }
    List<Condition> conditions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      conditions.add(
          new ConditionBuilder()
              .withType(HOSTILE)
              .withStatus(HOSTILE)
              .withReason(HOSTILE)
              .withMessage(HOSTILE)
              .withLastTransitionTime(HOSTILE)
              .withObservedGeneration(1L)
              .build());
    }
    AuditStatus status =
        new AuditStatus(1L, conditions, HOSTILE.substring(0, 20), null, violations);
    ClusterImagePolicy policy = new ClusterImagePolicy();
    policy.getMetadata().setName("slim-images");
    policy.setStatus(status.toResourceStatus());

    byte[] json = Serialization.asJson(policy).getBytes(StandardCharsets.UTF_8);

    assertThat(status.violations()).hasSize(AuditStatusBuilder.MAX_VIOLATIONS);
    assertThat(status.conditions()).hasSize(StatusLimits.MAX_CONDITIONS);
    assertThat(json.length).isLessThan(256 * 1024);
    ClusterImagePolicy back =
        Serialization.unmarshal(new String(json, StandardCharsets.UTF_8), ClusterImagePolicy.class);
    assertThat(back.getStatus().getViolations()).hasSize(AuditStatusBuilder.MAX_VIOLATIONS);
  }

  @Test
  void everyViolationFieldStaysWithinItsCapInSerializedBytes() {
    RecordedViolation capped = StatusLimits.capped(hostileViolation());

    assertThat(jsonBytes(capped.getImage())).isLessThanOrEqualTo(StatusLimits.MAX_IMAGE_BYTES);
    assertThat(jsonBytes(capped.getMessage())).isLessThanOrEqualTo(StatusLimits.MAX_MESSAGE_BYTES);
    for (String field :
        List.of(
            capped.getNamespace(),
            capped.getKind(),
            capped.getName(),
            capped.getContainer(),
            capped.getDigest(),
            capped.getPlatform(),
            capped.getRule(),
            capped.getActual(),
            capped.getLimit())) {
      assertThat(jsonBytes(field)).isLessThanOrEqualTo(StatusLimits.MAX_FIELD_BYTES);
    }
  }

  @Test
  void aShortValueIsKeptAsIsAndACutOneEndsWithAnEllipsis() {
    assertThat(StatusLimits.fit("ghcr.io/acme/api:1.0", 512)).isEqualTo("ghcr.io/acme/api:1.0");
    assertThat(StatusLimits.fit("abcdefghij", 8)).isEqualTo("abcde…");
    assertThat(StatusLimits.fit(null, 8)).isNull();
  }

  @Test
  void controlCharactersAndLoneSurrogatesAreReplacedAndPairsAreNeverSplit() {
    assertThat(StatusLimits.fit("a\u0000b\nc", 64)).isEqualTo("a b c");
    assertThat(StatusLimits.fit("x\uD800y", 64)).isEqualTo("x\uFFFDy");
    String astral = "😀".repeat(10); // 4 bytes each
    String cut = StatusLimits.fit(astral, 13);
    assertThat(cut).isEqualTo("😀😀…");
    assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
  }

  private static RecordedViolation hostileViolation() {
    RecordedViolation v = new RecordedViolation();
    v.setNamespace(HOSTILE);
    v.setKind(HOSTILE);
    v.setName(HOSTILE);
    v.setContainer(HOSTILE);
    v.setImage(HOSTILE);
    v.setDigest(HOSTILE);
    v.setPlatform(HOSTILE);
    v.setRule(HOSTILE);
    v.setActual(HOSTILE);
    v.setLimit(HOSTILE);
    v.setMessage(HOSTILE);
    return v;
  }

  private static int jsonBytes(String value) {
    String json = Serialization.asJson(value);
    return json.getBytes(StandardCharsets.UTF_8).length - 2; // without the quotes
  }

  private static String hostile(int length) {
    String unit = "\"\\\u0001é€😀\uD800";
    StringBuilder out = new StringBuilder(length);
    while (out.length() < length) {
      out.append(unit);
    }
    return out.toString();
  }
}
