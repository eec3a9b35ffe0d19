package dev.tonnage.testing.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenAccessPolicyTest {

  @Test
  void anonymousMayOnlyPullPublicRepositories() {
    List<ResourceAccess> granted =
        TokenAccessPolicy.grant(
            null,
            List.of(
                ResourceAccess.parseScope("repository:public/alpine:pull,push"),
                ResourceAccess.parseScope("repository:team/app:pull")));

    assertThat(granted)
        .containsExactly(
            new ResourceAccess("repository", "public/alpine", List.of("pull")),
            new ResourceAccess("repository", "team/app", List.of()));
  }

  @Test
  void theUserMayPullPushAndDeleteEverythingAndListTheCatalog() {
    List<ResourceAccess> granted =
        TokenAccessPolicy.grant(
            "tonnage",
            List.of(
                ResourceAccess.parseScope("repository:team/app:pull,push,delete"),
                ResourceAccess.parseScope("registry:catalog:*")));

    assertThat(granted)
        .containsExactly(
            new ResourceAccess("repository", "team/app", List.of("pull", "push", "delete")),
            new ResourceAccess("registry", "catalog", List.of("*")));
  }

  @Test
  void anonymousMayNotListTheCatalog() {
    assertThat(
            TokenAccessPolicy.grant(null, List.of(ResourceAccess.parseScope("registry:catalog:*"))))
        .containsExactly(new ResourceAccess("registry", "catalog", List.of()));
  }

  @Test
  void scopeNamesMayContainColons() {
    assertThat(ResourceAccess.parseScope("repository:127.0.0.1:5000/app:pull"))
        .isEqualTo(new ResourceAccess("repository", "127.0.0.1:5000/app", List.of("pull")));
    assertThat(ResourceAccess.parseScope("repository(plugin):vendor/x:pull").type())
        .isEqualTo("repository");
  }

  @Test
  void aScopeWithoutActionsIsRefusedWithTheExpectedForm() {
    assertThatThrownBy(() -> ResourceAccess.parseScope("repository"))
        .hasMessageContaining("expected type:name:actions");
  }
}
