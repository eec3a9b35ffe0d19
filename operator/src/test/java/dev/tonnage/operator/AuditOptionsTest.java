package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.audit.AuditSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class AuditOptionsTest {

  @Command(name = "operator")
  static final class Operator {
    @Mixin AuditOptions audit = new AuditOptions();
  }

  @Test
  void withoutFlagsTheDocumentedDefaultsApply() {
    AuditOptions options = parse();
    AuditSettings settings = options.settings();
    assertThat(options.enabled).isTrue();
    assertThat(options.leaderElection).isTrue();
    assertThat(options.leaseName).isEqualTo("tonnage-audit");
    assertThat(settings.interval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.debounce()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.registryRateLimits()).isEqualTo("*=5");
    assertThat(settings.fetchConcurrency()).isEqualTo(2);
  }

  @Test
  void flagsSetEverySetting() {
    AuditOptions options =
        parse(
            "--no-audit",
            "--no-leader-election",
            "--lease-name=tonnage-leader",
            "--audit-interval=30m",
            "--audit-debounce=500ms",
            "--registry-rate-limits=index.docker.io=2,*=10",
            "--audit-concurrency=4");
    assertThat(options.enabled).isFalse();
    assertThat(options.leaderElection).isFalse();
    assertThat(options.leaseName).isEqualTo("tonnage-leader");
    assertThat(options.settings())
        .satisfies(
            s -> {
              assertThat(s.interval()).isEqualTo(Duration.ofMinutes(30));
              assertThat(s.debounce()).isEqualTo(Duration.ofMillis(500));
              assertThat(s.registryRateLimits()).isEqualTo("index.docker.io=2,*=10");
              assertThat(s.fetchConcurrency()).isEqualTo(4);
            });
  }

  @Test
  void aBadRateLimitIsRefusedNamingTheEntry() {
    AuditOptions options = parse("--registry-rate-limits=ghcr.io");
    assertThatThrownBy(options::settings).hasMessageContaining("\"ghcr.io\" is not HOST=RATE");
  }

  @Test
  void aDisabledAuditStartsNothing() {
    assertThat(parse("--no-audit").start(null, "tonnage")).isEmpty();
  }

  private static AuditOptions parse(String... args) {
    Operator operator = new Operator();
    new CommandLine(operator).parseArgs(args);
    return operator.audit;
  }
}
