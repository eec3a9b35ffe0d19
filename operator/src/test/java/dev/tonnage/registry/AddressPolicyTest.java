package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import okhttp3.Dns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

  private static final Map<String, String> NAMES =
      Map.of(
          "metadata.internal", "169.254.169.254",
          "ecs.internal", "169.254.170.2",
          "imds6.internal", "fd00:ec2::254",
          "alibaba.internal", "100.100.100.200",
          "registry.cluster", "10.0.0.7",
          "registry.public", "203.0.113.10",
          "storage.public", "198.51.100.20",
          "loopback.test", "127.0.0.1");

  private static final Dns FAKE =
      hostname -> {
        String address = NAMES.get(hostname);
        if (address == null) {
          throw new UnknownHostException(hostname);
        }
        return List.of(InetAddress.getByName(address));
      };

  @ParameterizedTest
  @ValueSource(
      strings = {"metadata.internal", "ecs.internal", "imds6.internal", "alibaba.internal"})
  void linkLocalAndMetadataNamesAreRefused(String name) {
    assertThatThrownBy(() -> new AddressPolicy(false, false, FAKE).dns().lookup(name))
        .isInstanceOf(AddressPolicy.RefusedAddressException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("allowLinkLocalAddresses");
    assertThatCode(() -> new AddressPolicy(false, true, FAKE).dns().lookup(name))
        .doesNotThrowAnyException();
  }

  @Test
  void ordinaryAddressesResolve() throws Exception {
    AddressPolicy policy = new AddressPolicy(false, false, FAKE);
    assertThat(policy.dns().lookup("registry.cluster")).hasSize(1);
    assertThat(policy.dns().lookup("registry.public")).hasSize(1);
  }

  @Test
  void aPublicRegistryMayNotSendTonnageIntoPrivateAddresses() throws Exception {
    AddressPolicy policy = new AddressPolicy(false, false, FAKE);
    assertThatThrownBy(() -> policy.checkIndirect("registry.cluster", "registry.public"))
        .isInstanceOf(AddressPolicy.RefusedAddressException.class)
        .hasMessageContaining("allowPrivateAddresses");
    assertThatThrownBy(() -> policy.checkIndirect("loopback.test", "registry.public"))
        .isInstanceOf(AddressPolicy.RefusedAddressException.class);
    policy.checkIndirect("storage.public", "registry.public");
    policy.checkIndirect("loopback.test", "registry.cluster");
    new AddressPolicy(true, false, FAKE).checkIndirect("registry.cluster", "registry.public");
  }

  @Test
  void classifiesAddresses() throws Exception {
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("fe80::1"))).isTrue();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("0.0.0.0"))).isTrue();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("::ffff:169.254.169.254")))
        .isTrue();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("10.1.2.3"))).isFalse();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("fd12::1"))).isTrue();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("100.64.1.1"))).isTrue();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("192.168.1.1"))).isTrue();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("8.8.8.8"))).isFalse();
  }
}
