package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.registry.Credential;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EcrTokenTest {

  private static final Instant EXPIRES = Instant.parse("2026-12-07T12:00:00Z");

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTokenIsAwsAndThePasswordAfterTheFirstColon() {
    EcrToken token = EcrToken.decode(base64("AWS:pass:with:colons"), EXPIRES);

    assertThat(token.credential()).isEqualTo(Credential.basic("AWS", "pass:with:colons"));
    assertThat(token.expiresAt()).isEqualTo(EXPIRES);
    assertThat(token.toString()).doesNotContain("pass:with:colons");
  }

  @Test
  void malformedTokensAreRefusedWithoutQuotingThem() {
    for (String bad :
        new String[] {
          "not base64 secret-ish!", base64("no-colon-secret"), base64(":secret"), base64("AWS:")
        }) {
      assertThatThrownBy(() -> EcrToken.decode(bad, EXPIRES))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }
    assertThatThrownBy(() -> EcrToken.decode("A".repeat(EcrToken.MAX_TOKEN_LENGTH + 1), EXPIRES))
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> EcrToken.decode(base64("AWS:x"), null))
        .hasMessageContaining("expiresAt");
  }
}
