package dev.tonnage.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Picks the proxy of each registry connection from {@link ProxySettings}. The proxy's address is
 * left unresolved: okhttp resolves it through Tonnage's own DNS, so a proxy name answering with a
 * link-local or metadata address is refused like a registry would be.
 */
final class RegistryProxySelector extends ProxySelector {

  private final ProxySettings settings;

  RegistryProxySelector(ProxySettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Proxy> select(URI uri) {
    ProxyEndpoint proxy = settings.proxyFor(uri);
    if (proxy == null) {
      return List.of(Proxy.NO_PROXY);
    }
    return List.of(
        new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.host(), proxy.port())));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress proxy, IOException failure) {
    // okhttp reports the failure to the caller; nothing is remembered between requests.
  }
}
