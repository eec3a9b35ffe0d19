package dev.tonnage.registry;

import dev.tonnage.testing.registry.RegistryMode;

/** The registry engine against a real registry: HTTPS with htpasswd Basic authentication. */
class BasicRegistryIT extends RegistryModeContract {
  @Override
  RegistryMode mode() {
    return RegistryMode.BASIC;
  }
}
