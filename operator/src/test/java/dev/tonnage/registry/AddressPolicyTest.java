package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import okhttp3.Dns;
import okhttp3.HttpUrl;
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

  /**
   * Every form in which an IPv6 answer reaches a link-local or metadata IPv4 address: mapped,
   * compatible, NAT64 (well-known and local-use prefixes), 6to4; and the IPv6 ones themselves.
   */
  private static final List<String> REFUSED_FORMS =
      List.of(
          "169.254.169.254",
          "0.0.0.0",
          "0.1.2.3",
          "100.100.100.200",
          "192.0.0.192",
          "::ffff:169.254.169.254",
          "::ffff:a9fe:a9fe",
          "::ffff:100.100.100.200",
          "::169.254.169.254",
          "64:ff9b::169.254.169.254",
          "64:ff9b::a9fe:a9fe",
          "64:ff9b::6464:64c8",
          "64:ff9b:1::a9fe:a9fe",
          "2002:a9fe:a9fe::1",
          "fe80::1",
          "fd00:ec2::254",
          "::");

  /** An answer as a resolver may give it: IPv6 bytes kept as an Inet6Address, even when mapped. */
  private static InetAddress asResolved(String literal) throws UnknownHostException {
    byte[] bytes = InetAddress.getByName(literal).getAddress();
    if (literal.contains(":") && bytes.length == 4) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      return Inet6Address.getByAddress(null, mapped, -1);
    }
    return InetAddress.getByAddress(bytes);
  }

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
  void everyFormOfALinkLocalOrMetadataAnswerIsRefusedByTheDnsOkhttpUses() throws Exception {
    for (String form : REFUSED_FORMS) {
      InetAddress answer = asResolved(form);
      Dns resolver = hostname -> List.of(answer);
      assertThatThrownBy(() -> new AddressPolicy(false, false, resolver).dns().lookup("evil.test"))
          .as(form)
          .isInstanceOf(AddressPolicy.RefusedAddressException.class)
          .hasMessageContaining("evil.test");
      assertThat(new AddressPolicy(false, true, resolver).dns().lookup("evil.test"))
          .as(form)
          .containsExactly(answer);
    }
  }

  @Test
  void everyFormOfALinkLocalOrMetadataLiteralIsRefusedBeforeConnecting() {
    AddressPolicy policy = new AddressPolicy(false, false, FAKE);
    for (String form : REFUSED_FORMS) {
      String host = HttpUrl.get("http://" + (form.contains(":") ? "[" + form + "]" : form)).host();
      assertThatThrownBy(() -> policy.checkLiteral(host))
          .as(form)
          .isInstanceOf(AddressPolicy.RefusedAddressException.class);
    }
  }

  @Test
  void metadataServiceNamesAreRefusedByNameSinceAProxyResolvesWhatTonnageDoesNot() {
    AddressPolicy policy = new AddressPolicy(true, false, FAKE);
    for (String host :
        List.of("metadata.google.internal", "METADATA.google.internal.", "metadata")) {
      assertThatThrownBy(() -> policy.checkLiteral(host))
          .as(host)
          .isInstanceOf(AddressPolicy.RefusedAddressException.class)
          .hasMessageContaining("a cloud metadata service name");
    }
    assertThatCode(() -> new AddressPolicy(false, true, FAKE).checkLiteral("metadata"))
        .doesNotThrowAnyException();
  }

  @Test
  void ordinaryLiteralsAndNamesPassTheLiteralGuardWithoutALookup() {
    AddressPolicy policy =
        new AddressPolicy(
            false,
            false,
            hostname -> {
              throw new AssertionError("the literal guard must not resolve " + hostname);
            });
    for (String host :
        List.of("10.0.0.7", "203.0.113.10", "::1", "64:ff9b::808:808", "registry.public")) {
      assertThatCode(() -> policy.checkLiteral(host)).as(host).doesNotThrowAnyException();
    }
  }

  @Test
  void everyFormIsFoundByTheConnectedAddressCheckToo() throws Exception {
    AddressPolicy policy = new AddressPolicy(true, false, FAKE);
    HttpUrl url = HttpUrl.get("https://evil.test/v2/");
    for (String form : REFUSED_FORMS) {
      InetAddress connected = asResolved(form);
      assertThatThrownBy(() -> policy.checkConnected(connected, url, null))
          .as(form)
          .isInstanceOf(AddressPolicy.RefusedAddressException.class);
    }
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
    HttpUrl registry = HttpUrl.get("https://registry.public/v2/app/manifests/v1");
    AddressPolicy.Scope scope = new AddressPolicy.Scope(registry, null);
    policy.checkConnected(InetAddress.getByName("203.0.113.10"), registry, scope);
    assertThat(scope.registryPrivate()).isFalse();

    for (String inside : List.of("10.0.0.7", "127.0.0.1", "::ffff:10.0.0.7", "64:ff9b::a00:7")) {
      assertThatThrownBy(
              () ->
                  policy.checkConnected(
                      asResolved(inside), HttpUrl.get("https://storage.test/blob"), scope))
          .as(inside)
          .isInstanceOf(AddressPolicy.RefusedAddressException.class)
          .hasMessageContaining("registry.public")
          .hasMessageContaining("allowPrivateAddresses");
    }
    policy.checkConnected(
        InetAddress.getByName("198.51.100.20"), HttpUrl.get("https://storage.public/b"), scope);
  }

  @Test
  void aRealmOrRedirectBeforeTheRegistryWasReachedCountsAsFromAPublicRegistry() {
    AddressPolicy policy = new AddressPolicy(false, false, FAKE);
    AddressPolicy.Scope unknown =
        new AddressPolicy.Scope(HttpUrl.get("https://registry.public/v2/"), null);
    assertThatThrownBy(
            () ->
                policy.checkConnected(
                    InetAddress.getByName("10.0.0.8"), HttpUrl.get("https://auth.test/t"), unknown))
        .isInstanceOf(AddressPolicy.RefusedAddressException.class);
  }

  @Test
  void aPrivateRegistryMayUsePrivateRealmsAndStorage() throws Exception {
    AddressPolicy policy = new AddressPolicy(false, false, FAKE);
    HttpUrl registry = HttpUrl.get("https://registry.cluster:5000/v2/");
    AddressPolicy.Scope scope = new AddressPolicy.Scope(registry, null);
    policy.checkConnected(InetAddress.getByName("10.0.0.7"), registry, scope);
    policy.checkConnected(
        InetAddress.getByName("10.0.0.8"), HttpUrl.get("https://auth.cluster/token"), scope);

    AddressPolicy.Scope remembered = new AddressPolicy.Scope(registry, null);
    remembered.assume(true);
    policy.checkConnected(
        InetAddress.getByName("10.0.0.8"), HttpUrl.get("https://auth.cluster/token"), remembered);
  }

  @Test
  void allowPrivateAddressesLetsAPublicRegistryRedirectInside() throws Exception {
    AddressPolicy policy = new AddressPolicy(true, false, FAKE);
    AddressPolicy.Scope scope =
        new AddressPolicy.Scope(HttpUrl.get("https://registry.public/v2/"), false);
    policy.checkConnected(
        InetAddress.getByName("10.0.0.7"), HttpUrl.get("https://storage.cluster/b"), scope);
  }

  @Test
  void classifiesAddresses() throws Exception {
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("fe80::1"))).isTrue();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("0.0.0.0"))).isTrue();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("::ffff:169.254.169.254")))
        .isTrue();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("10.1.2.3"))).isFalse();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("::1"))).isFalse();
    assertThat(AddressPolicy.isLinkLocalOrMetadata(InetAddress.getByName("64:ff9b::808:808")))
        .isFalse();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("fd12::1"))).isTrue();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("100.64.1.1"))).isTrue();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("192.168.1.1"))).isTrue();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("64:ff9b::c0a8:101"))).isTrue();
    assertThat(AddressPolicy.isPrivate(asResolved("::ffff:127.0.0.1"))).isTrue();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("8.8.8.8"))).isFalse();
    assertThat(AddressPolicy.isPrivate(InetAddress.getByName("2001:db8::1"))).isFalse();
  }
}
