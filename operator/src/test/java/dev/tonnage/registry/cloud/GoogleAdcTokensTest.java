package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import org.junit.jupiter.api.Test;

class GoogleAdcTokensTest {

  @Test
  void theMetadataServerByNameAddressOrGceMetadataHostIsRecognisedAndNothingElse()
      throws Exception {
    assertThat(GoogleAdcTokens.isMetadataServer(url("http://metadata.google.internal/x"), null))
        .isTrue();
    assertThat(GoogleAdcTokens.isMetadataServer(url("http://169.254.169.254/x"), null)).isTrue();
    assertThat(GoogleAdcTokens.isMetadataServer(url("http://10.0.0.9:8080/x"), "10.0.0.9:8080"))
        .isTrue();
    assertThat(GoogleAdcTokens.isMetadataServer(url("http://10.0.0.9:9090/x"), "10.0.0.9:8080"))
        .isFalse();
    assertThat(GoogleAdcTokens.isMetadataServer(url("https://oauth2.googleapis.com/token"), null))
        .isFalse();
    assertThat(
            GoogleAdcTokens.isMetadataServer(
                url("https://metadata.google.internal.attacker.example/"), null))
        .isFalse();
  }

  private static URL url(String text) throws Exception {
    return URI.create(text).toURL();
  }
}
