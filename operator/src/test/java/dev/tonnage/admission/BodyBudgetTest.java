package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

  private final BodyBudget budget = new BodyBudget(2, 100);

  @Test
  void refusesAReadBeyondTheConcurrentLimitUntilOneIsRead() {
    BodyBudget.Lease first = budget.open().orElseThrow();
    budget.open().orElseThrow();
    assertThat(budget.open()).isEmpty();

    first.readDone();

    assertThat(budget.open()).isPresent();
  }

  @Test
  void refusesBytesBeyondTheBudgetAndTakesNothingThen() {
    BodyBudget.Lease first = budget.open().orElseThrow();
    BodyBudget.Lease second = budget.open().orElseThrow();
    assertThat(first.grow(60)).isTrue();
    assertThat(second.grow(50)).isFalse();
    assertThat(budget.buffered()).isEqualTo(60);
    assertThat(second.grow(40)).isTrue();
    assertThat(budget.buffered()).isEqualTo(100);
  }

  @Test
  void givesBytesBackWhenTheAnswerIsWrittenAndNeverAfter() {
    BodyBudget.Lease lease = budget.open().orElseThrow();
    lease.grow(80);
    lease.readDone();
    assertThat(budget.buffered()).isEqualTo(80);

    lease.close();
    lease.close();

    assertThat(budget.buffered()).isZero();
    assertThat(lease.grow(10)).isFalse();
    assertThat(budget.buffered()).isZero();
    Optional<BodyBudget.Lease> next = budget.open();
    assertThat(next).isPresent();
    assertThat(budget.open()).isPresent();
  }
}
