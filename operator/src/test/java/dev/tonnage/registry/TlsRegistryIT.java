package dev.tonnage.registry;

import dev.tonnage.testing.registry.RegistryMode;

/** The registry engine against a real registry: HTTPS with a private CA (caBundles), anonymous. */
class TlsRegistryIT extends RegistryModeContract {
  @Override
  RegistryMode mode() {
    return RegistryMode.TLS;
  }
}
