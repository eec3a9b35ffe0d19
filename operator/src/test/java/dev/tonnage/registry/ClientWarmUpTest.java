package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class ClientWarmUpTest {

  /** Its samples go through the real parser: a parser change that refuses them fails here. */
  @Test
  void theSamplesStillParse() {
    assertThatCode(ClientWarmUp::parser).doesNotThrowAnyException();
    assertThatCode(ClientWarmUp::parser).as("repeatable").doesNotThrowAnyException();
    assertThatCode(ClientWarmUp::client).doesNotThrowAnyException();
  }
}
