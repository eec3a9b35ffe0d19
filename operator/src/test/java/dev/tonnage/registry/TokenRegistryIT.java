package dev.tonnage.registry;

import dev.tonnage.testing.registry.RegistryMode;

/** The registry engine against a real registry: HTTPS with Bearer tokens from a token server. */
class TokenRegistryIT extends RegistryModeContract {
  @Override
  RegistryMode mode() {
    return RegistryMode.TOKEN;
  }
}
