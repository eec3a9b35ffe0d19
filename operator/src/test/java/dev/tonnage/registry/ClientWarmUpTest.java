package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class ClientWarmUpTest {

  /** Its samples go through the real parser: a parser change that refuses them fails here. */
  @Test
  void theSamplesStillParse() {
    assertThatCode(ClientWarmUp::run).doesNotThrowAnyException();
    assertThatCode(ClientWarmUp::run).as("repeatable").doesNotThrowAnyException();
  }
}
