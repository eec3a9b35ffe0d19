package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EcrHostTest {

  @Test
  void anEcrHostNamesItsAccountAndRegion() {
    assertThat(EcrHost.parse("111122223333.dkr.ecr.eu-west-1.amazonaws.com"))
        .contains(new EcrHost("111122223333", "eu-west-1", false));
    assertThat(EcrHost.parse("111122223333.DKR.ECR.US-GOV-WEST-1.AMAZONAWS.COM"))
        .contains(new EcrHost("111122223333", "us-gov-west-1", false));
  }

  @Test
  void fipsAndChinaHostsAreEcrToo() {
    assertThat(EcrHost.parse("111122223333.dkr.ecr-fips.us-east-1.amazonaws.com"))
        .contains(new EcrHost("111122223333", "us-east-1", true));
    assertThat(EcrHost.parse("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn"))
        .contains(new EcrHost("111122223333", "cn-north-1", false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "index.docker.io",
        "public.ecr.aws",
        "111122223333.dkr.ecr.us-east-1.evil.com",
        "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com",
        "111122223333.dkr.ecr.us-east-1.amazonaws.com:443",
        "111122223333.dkr.ecr.us-east-1.amazonaws.co",
        "evil.com/111122223333.dkr.ecr.us-east-1.amazonaws.com",
        "x.111122223333.dkr.ecr.us-east-1.amazonaws.com",
        "11112222333.dkr.ecr.us-east-1.amazonaws.com",
        "1111222233334.dkr.ecr.us-east-1.amazonaws.com",
        "11112222333a.dkr.ecr.us-east-1.amazonaws.com",
        "111122223333.dkr.ecr-evil.us-east-1.amazonaws.com",
        "111122223333.api.ecr.us-east-1.amazonaws.com",
        "111122223333.dkr.ecr..amazonaws.com",
        "111122223333.dkr.ecr.us-east.amazonaws.com",
        "111122223333.dkr.ecr.us--1.amazonaws.com",
        "111122223333.dkr.ecr.us-east-123.amazonaws.com",
        "111122223333.dkr.ecr.u-east-1.amazonaws.com",
        "111122223333.dkr.ecr.cn-north-1.amazonaws.com",
        "111122223333.dkr.ecr.us-east-1.amazonaws.com.cn",
        "１１１１２２２２３３３３.dkr.ecr.us-east-1.amazonaws.com",
        "111122223333.d\u212Ar.ecr.us-east-1.amazonaws.com",
        "111122223333.dkr.ecr.us-east-1.amazonaws.com."
      })
  void nearMissesAreNotEcr(String host) {
    assertThat(EcrHost.parse(host)).as(host).isEmpty();
  }

  @Test
  void hostileHostsAreRefusedQuickly() {
    String longRegion = "us-" + "a".repeat(200) + "-1";
    String manyDashes = "us" + "-a".repeat(5_000) + "-1";
    long start = System.nanoTime();

    assertThat(EcrHost.parse(null)).isEmpty();
    assertThat(EcrHost.parse("111122223333.dkr.ecr." + longRegion + ".amazonaws.com")).isEmpty();
    assertThat(EcrHost.parse("111122223333.dkr.ecr." + manyDashes + ".amazonaws.com")).isEmpty();
    assertThat(EcrHost.parse(".".repeat(100_000) + "amazonaws.com")).isEmpty();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }
}
