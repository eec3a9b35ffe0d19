package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.operator.OperatorCommand;
import dev.tonnage.operator.RegistryFlags;
import dev.tonnage.registry.Credential;
import dev.tonnage.registry.ProxySettings;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryMirror;
import dev.tonnage.registry.cloud.CloudProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The CLI's registry flags mean what the operator's flags of the same names mean. */
class RegistryOptionsTest {

  private static final String CONFIG = "{\"auths\":{\"registry.example\":{\"auth\":\"dTpw\"}}}";

  @TempDir Path dir;

  private static RegistryOptions parse(String... args) {
    RegistryOptions options = new RegistryOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void registryTimeoutDefaultsToTheOperatorsDefault() {
    RegistryOptions cli = parse();

    assertThat(cli.settings().requestTimeout())
        .isEqualTo(Duration.ofSeconds(10))
        .isEqualTo(operatorRegistryTimeout());
    assertThat(parse("--registry-timeout", "3s").clientConfig().requestTimeout())
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aCliRunResolvesTagsWithOneGetWhereTheOperatorKeepsItsHead() {
    assertThat(parse().clientConfig().resolveTagsWithGet()).isTrue();
    assertThat(parse().clientConfig(Map.of()).resolveTagsWithGet()).isTrue();
    assertThat(parse().settings().clientConfig().resolveTagsWithGet()).isFalse();
  }

  @Test
  void caFilesAndInsecureRegistriesAreRepeatableOrCommaSeparatedAsInTheOperator() throws Exception {
    Path a = Files.writeString(dir.resolve("a.pem"), "");
    Path b = Files.writeString(dir.resolve("b.pem"), "");
    RegistryOptions options =
        parse(
            "--ca-file",
            a + "," + b,
            "--insecure-registry",
            "lab:5000,10.0.0.1",
            "--insecure-registry",
            "other");

    assertThat(options.settings().caFiles()).containsExactly(a, b);
    assertThat(options.clientConfig().insecureRegistries())
        .containsExactlyInAnyOrder("lab:5000", "10.0.0.1", "other");
  }

  @Test
  void proxiesComeFromTheCommandsEnvironmentAndAnUnusableOneIsRefusedByName() {
    RegistryClientConfig config =
        parse()
            .clientConfig(
                Map.of("https_proxy", "http://proxy.corp:3128", "no_proxy", ".corp,10.0.0.0/8"));

    assertThat(config.proxies().proxyFor("https", "ghcr.io", 443).redacted())
        .isEqualTo("http://proxy.corp:3128");
    assertThat(config.proxies().proxyFor("https", "registry.corp", 443)).isNull();
    assertThat(parse().clientConfig(Map.of()).proxies()).isSameAs(ProxySettings.DIRECT);
    assertThatThrownBy(
            () -> parse().clientConfig(Map.of("HTTPS_PROXY", "socks5://u:secret@proxy:1080")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("HTTPS_PROXY is not a usable proxy URL")
        .hasMessageNotContaining("secret");
  }

  @Test
  void registryMirrorsAreRepeatableOrCommaSeparatedAndKeepTheirOrder() {
    RegistryOptions options =
        parse(
            "--registry-mirror",
            "docker.io=https://first,docker.io=http://second:5000",
            "--registry-mirror",
            "ghcr.io=https://third");

    assertThat(options.clientConfig().mirrorsOf("index.docker.io"))
        .extracting(RegistryMirror::toString)
        .containsExactly("index.docker.io=https://first", "index.docker.io=http://second:5000");
    assertThat(options.clientConfig().mirrorsOf("ghcr.io")).hasSize(1);
    assertThatThrownBy(() -> parse("--registry-mirror", "docker.io").clientConfig())
        .hasMessageStartingWith("--registry-mirror must be UPSTREAM=URL");
  }

  @Test
  void dockerConfigTakesAFileOrADirectoryWithAMountedPullSecret() throws Exception {
    Path file = Files.writeString(dir.resolve("my-config.json"), CONFIG);
    Path secret = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(secret.resolve(".dockerconfigjson"), CONFIG);

    for (Path given : new Path[] {file, secret}) {
      assertThat(
              parse("--docker-config", given.toString())
                  .credentials(Map.of(), dir)
                  .forRegistry("registry.example"))
          .as("--docker-config %s", given)
          .isPresent();
    }
    assertThatThrownBy(
            () ->
                parse("--docker-config", Files.createDirectories(dir.resolve("empty")).toString())
                    .credentials(Map.of(), dir))
        .hasMessageContaining("holds no config.json or .dockerconfigjson");
  }

  @Test
  void cloudIdentitiesDefaultToEveryCloudAndNoneTurnsThemOff() {
    assertThat(parse().settings().cloudIdentities())
        .containsExactlyInAnyOrder(CloudProvider.AWS, CloudProvider.GOOGLE, CloudProvider.AZURE);
    assertThat(parse("--cloud-identity", "AWS").settings().cloudIdentities())
        .containsExactly(CloudProvider.AWS);
    assertThat(parse("--cloud-identity", "none").settings().cloudIdentities()).isEmpty();
    assertThatThrownBy(() -> parse("--cloud-identity", "gcp").settings())
        .hasMessage("--cloud-identity takes aws,google,azure or none; got gcp");
    assertThatThrownBy(() -> parse("--cloud-identity", "none,aws").settings())
        .hasMessageStartingWith("--cloud-identity none cannot be combined with a provider");
  }

  @Test
  void theDockerLoginIsAskedBeforeTheCloudIdentityAndOtherHostsStayAnonymous() throws Exception {
    String ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
    Path config =
        Files.writeString(
            dir.resolve("ecr-login.json"), "{\"auths\":{\"" + ecr + "\":{\"auth\":\"dTpw\"}}}");

    var credentials = parse("--docker-config", config.toString()).credentials(Map.of(), dir);

    assertThat(credentials.forRegistry(ecr)).map(Credential::username).contains("u");
    assertThat(credentials.forRegistry("ghcr.io")).isEmpty();
  }

  @Test
  void anUnreadableCaFileIsNamed() {
    assertThatThrownBy(
            () -> parse("--ca-file", dir.resolve("missing.pem").toString()).clientConfig())
        .hasMessageContaining("--ca-file")
        .hasMessageContaining("missing.pem");
  }

  @Test
  void everyRegistryFlagIsPrintedByTheCliAsByTheOperator() {
    CommandSpec flags = new CommandLine(new RegistryFlags()).getCommandSpec();
    List<String> names = flags.options().stream().map(OptionSpec::longestName).toList();
    assertThat(names)
        .containsExactlyInAnyOrder(
            "--docker-config",
            "--insecure-registry",
            "--ca-file",
            "--registry-timeout",
            "--tag-ttl",
            "--registry-mirror",
            "--stale-if-error",
            "--cloud-identity");
    CommandSpec cli = new CommandLine(new RegistryOptions()).getCommandSpec();
    CommandSpec operator = new CommandLine(new OperatorCommand()).getCommandSpec();
    for (String name : names) {
      assertThat(helpOf(cli, name)).as("%s in the CLI", name).isEqualTo(helpOf(operator, name));
      assertThat(helpOf(cli, name).replaceAll("\\s+", " ")).as(name).contains("env TONNAGE_");
    }
    assertThat(helpOf(cli, "--registry-timeout")).contains("10s");
    assertThat(helpOf(cli, "--stale-if-error")).contains("24h");
    assertThat(helpOf(cli, "--tag-ttl")).contains("5m");
    assertThat(helpOf(cli, "--cloud-identity").replaceAll("\\s+", " "))
        .contains("; aws,google,azure)");
    assertThat(parse().settings().tagTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(parse("--tag-ttl", "1m").settings().tagTtl()).isEqualTo(Duration.ofMinutes(1));
  }

  /** The lines --help prints for one option. */
  private static String helpOf(CommandSpec command, String name) {
    OptionSpec option = command.findOption(name);
    Help help = new Help(command, Help.defaultColorScheme(Help.Ansi.OFF));
    Help.Layout layout = help.createDefaultLayout();
    layout.addOption(option, help.parameterLabelRenderer());
    return layout.toString();
  }

  private static Duration operatorRegistryTimeout() {
    CommandLine line = new CommandLine(new OperatorCommand());
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.parseArgs("--self-signed");
    return line.getCommandSpec().findOption("--registry-timeout").getValue();
  }
}
