package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.admission.FailurePolicy;
import dev.tonnage.admission.WebhookConfigurations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class OperatorCommandTest {

  private static OperatorConfig parse(String... args) {
    OperatorCommand command = new OperatorCommand();
    CommandLine line = new CommandLine(command);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.parseArgs(args);
    return command.config();
  }

  @Test
  void registryTimeoutsAndLogFormatComeFromFlags() {
    OperatorCommand command = new OperatorCommand();
    CommandLine line = new CommandLine(command);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.parseArgs(
        "--self-signed", "--log-format", "json", "--registry-timeout", "3s", "--tag-ttl", "1m");
    OperatorConfig config = command.config();
    assertThat(command.logFormat).isEqualTo(OperatorLogging.Format.JSON);
    assertThat(config.registry().requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(config.registry().tagTtl()).isEqualTo(java.time.Duration.ofMinutes(1));
  }

  @Test
  void registryDefaultsAreTenSecondsAndFiveMinutes() {
    OperatorConfig config = parse("--self-signed");
    assertThat(config.registry().requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(config.registry().tagTtl()).isEqualTo(java.time.Duration.ofMinutes(5));
  }

  @Test
  void defaultsFollowTheDesign() {
    OperatorConfig config =
        parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--namespace", "tonnage");
    assertThat(config.webhookPort()).isEqualTo(8443);
    assertThat(config.metricsPort()).isEqualTo(8080);
    assertThat(config.reviewBudget()).isEqualTo(Duration.ofSeconds(8));
    assertThat(config.failurePolicy()).isEqualTo(FailurePolicy.IGNORE);
    assertThat(config.registration()).isNull();
    assertThat(config.allExemptNamespaces()).containsExactly("kube-system", "tonnage");
    assertThat(config.tls().certFile()).isEqualTo(Path.of("c.pem"));
    assertThat(config.tls().reloadInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void readsEveryFlag() {
    OperatorConfig config =
        parse(
            "--webhook-port",
            "9443",
            "--webhook-address",
            "127.0.0.1",
            "--metrics-port",
            "0",
            "--self-signed",
            "--register-webhooks",
            "https://127.0.0.1:9443",
            "--namespace",
            "ops",
            "--review-budget",
            "2500ms",
            "--failure-policy",
            "Fail",
            "--exempt-namespace",
            "a,b",
            "--insecure-registry",
            "127.0.0.1:5000",
            "--docker-config",
            "/run/config.json",
            "--cert-dir",
            "/tmp/x",
            "--tls-reload-interval",
            "1s");
    assertThat(config.webhookPort()).isEqualTo(9443);
    assertThat(config.webhookAddress()).isEqualTo("127.0.0.1");
    assertThat(config.reviewBudget()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.failurePolicy()).isEqualTo(FailurePolicy.FAIL);
    assertThat(config.allExemptNamespaces()).containsExactly("a", "b", "kube-system", "ops");
    assertThat(config.tls().selfSigned()).isTrue();
    assertThat(config.tls().certFile()).isEqualTo(Path.of("/tmp/x/tls.crt"));
    assertThat(config.registration().hostNames("ops"))
        .contains("127.0.0.1", "tonnage.ops.svc", "tonnage.ops.svc.cluster.local");
    assertThat(config.registry().insecureRegistries()).containsExactly("127.0.0.1:5000");
    assertThat(config.registry().dockerConfig()).isEqualTo(Path.of("/run/config.json"));
  }

  @Test
  void selfSignedWithoutRegistrationOnlyKeepsTheChartsCaBundle() {
    OperatorConfig config = parse("--self-signed", "--namespace", "x");
    assertThat(config.registration().createsConfigurations()).isFalse();
    assertThat(config.registration().hostNames("x"))
        .containsExactly("tonnage", "tonnage.x", "tonnage.x.svc", "tonnage.x.svc.cluster.local");
  }

  @Test
  void refusesAMissingCertificate() {
    assertThatThrownBy(() -> parse("--namespace", "x"))
        .hasMessageContaining("--tls-cert and --tls-key, or --self-signed");
  }

  @Test
  void refusesABudgetAtOrAboveTheWebhookTimeout() {
    assertThatThrownBy(() -> parse("--tls-cert", "c", "--tls-key", "k", "--review-budget", "10s"))
        .hasMessageContaining("--review-budget");
  }

  @Test
  void refusesAPlainHttpRegistrationUrl() {
    assertThatThrownBy(() -> parse("--self-signed", "--register-webhooks", "http://h:1"))
        .hasMessageContaining("https URL");
  }

  @Test
  void pullSecretsAreReadClusterWideByDefault() {
    OperatorConfig config = parse("--self-signed");
    assertThat(config.pullSecrets().scope()).isEqualTo(OperatorConfig.PullSecretScope.CLUSTER);
    assertThat(config.pullSecrets().namespaces()).isEmpty();
  }

  @Test
  void namespacedPullSecretsTakeRepeatedOrCommaSeparatedNamespaces() {
    OperatorConfig config =
        parse(
            "--self-signed",
            "--read-pull-secrets",
            "namespaced",
            "--pull-secret-namespace",
            "team-a,team-b",
            "--pull-secret-namespace",
            "team-c");
    assertThat(config.pullSecrets().scope()).isEqualTo(OperatorConfig.PullSecretScope.NAMESPACED);
    assertThat(config.pullSecrets().namespaces()).containsExactly("team-a", "team-b", "team-c");
  }

  @Test
  void namespacedWithoutNamespacesNamesBothFlags() {
    assertThatThrownBy(() -> parse("--self-signed", "--read-pull-secrets", "namespaced"))
        .hasMessageContaining("--read-pull-secrets namespaced")
        .hasMessageContaining("--pull-secret-namespace");
  }

  @Test
  void namespacesWithClusterOrNoneAreRefusedRatherThanIgnored() {
    assertThatThrownBy(() -> parse("--self-signed", "--pull-secret-namespace", "team-a"))
        .hasMessageContaining("applies only to --read-pull-secrets namespaced, not cluster");
    assertThatThrownBy(
            () ->
                parse(
                    "--self-signed",
                    "--read-pull-secrets",
                    "none",
                    "--pull-secret-namespace",
                    "team-a"))
        .hasMessageContaining("not none");
  }

  @Test
  void pullSecretNamespacesMustBeNamespaceNamesAndAreCapped() {
    assertThatThrownBy(
            () ->
                parse(
                    "--self-signed",
                    "--read-pull-secrets",
                    "namespaced",
                    "--pull-secret-namespace",
                    "Team_A"))
        .hasMessageContaining("'Team_A'");
    String many =
        String.join(
            ",",
            java.util.stream.IntStream.rangeClosed(
                    0, OperatorConfig.PullSecretAccess.MAX_NAMESPACES)
                .mapToObj(i -> "ns-" + i)
                .toList());
    assertThatThrownBy(
            () ->
                parse(
                    "--self-signed",
                    "--read-pull-secrets",
                    "namespaced",
                    "--pull-secret-namespace",
                    many))
        .hasMessageContaining("more than 100");
  }

  @Test
  void webhookConfigurationNamesDefaultToTheChartsDefaultsAndCanBeSet() {
    assertThat(parse("--self-signed").registration().names())
        .isEqualTo(WebhookConfigurations.Names.DEFAULT);
    OperatorConfig config =
        parse(
            "--self-signed",
            "--validating-webhook-configuration",
            "shop-validating",
            "--mutating-webhook-configuration",
            "shop-mutating");
    assertThat(config.registration().names())
        .isEqualTo(new WebhookConfigurations.Names("shop-validating", "shop-mutating"));
  }

  @Test
  void everyEnvironmentVariableAFlagDescriptionNamesIsTheOneThatFlagReads() {
    CommandLine line = new CommandLine(new OperatorCommand());
    Pattern mentioned = Pattern.compile("\\benv (TONNAGE_[A-Z0-9_]+)");
    Map<String, String> read = OperatorCommand.environmentVariables();
    int checked = 0;
    for (OptionSpec option : line.getCommandSpec().options()) {
      String description = String.join(" ", option.description());
      Set<String> named = new TreeSet<>();
      Matcher matcher = mentioned.matcher(description);
      while (matcher.find()) {
        named.add(matcher.group(1));
      }
      Set<String> reads = new TreeSet<>();
      read.forEach(
          (variable, flag) -> {
            if (flag.equals(option.longestName())) {
              reads.add(variable);
            }
          });
      assertThat(named)
          .as("%s says it reads %s; its default reads %s", option.longestName(), named, reads)
          .isEqualTo(reads);
      checked += reads.size();
    }
    assertThat(checked).isEqualTo(read.size());
  }

  @Test
  void theEnvironmentVariablesComeFromTheFlagsAndTheirMixins() {
    assertThat(OperatorCommand.environmentVariables())
        .containsEntry("TONNAGE_WEBHOOK_PORT", "--webhook-port")
        .containsEntry("TONNAGE_READ_PULL_SECRETS", "--read-pull-secrets")
        .containsEntry("TONNAGE_PULL_SECRET_NAMESPACES", "--pull-secret-namespace")
        .containsEntry(
            "TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION", "--validating-webhook-configuration")
        .containsEntry("TONNAGE_MUTATING_WEBHOOK_CONFIGURATION", "--mutating-webhook-configuration")
        .containsEntry("TONNAGE_AUDIT_INTERVAL", "--audit-interval")
        .doesNotContainKey("TONNAGE_");
    assertThat(OperatorCommand.environmentVariables().keySet())
        .allSatisfy(name -> assertThat(name).matches("TONNAGE_[A-Z0-9_]+"));
  }

  @Test
  void docsConfigurationListsEveryFlagWithItsEnvironmentVariableInOneRow() throws Exception {
    List<String> rows =
        Files.readAllLines(Path.of("../docs/configuration.md")).stream()
            .filter(line -> line.startsWith("| `--"))
            .toList();
    OperatorCommand.environmentVariables()
        .forEach(
            (variable, flag) ->
                assertThat(rows)
                    .as("docs/configuration.md has a row for %s (env %s)", flag, variable)
                    .anyMatch(
                        row ->
                            row.contains("`" + flag + "`") && row.contains("`" + variable + "`")));
  }
}
