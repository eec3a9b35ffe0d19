package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.RegistryCredentials;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The cloud SDKs stay unloaded (CLI start-up) until a registry of their cloud is looked up: checked
 * in a class loader of its own, so classes loaded by other tests do not count.
 */
class CloudSdkLoadingTest {

  private static final String GOOGLE_SDK = "com.google.auth.oauth2.GoogleCredentials";
  private static final String AZURE_SDK = "com.microsoft.aad.msal4j.ConfidentialClientApplication";

  /**
   * Loads every class of the test class path itself, and tells which it has loaded. Left open: a
   * cache finishes its failed fetch in the background, after the test's last look.
   */
  private static final class IsolatedLoader extends URLClassLoader {
    IsolatedLoader() {
      super(
          Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
              .map(IsolatedLoader::url)
              .toArray(URL[]::new),
          ClassLoader.getPlatformClassLoader());
    }

    private static URL url(String entry) {
      try {
        return Path.of(entry).toUri().toURL();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    boolean loaded(String name) {
      return findLoadedClass(name) != null;
    }
  }

  private static Object lookUp(Object identity, String host) throws Exception {
    return identity.getClass().getMethod("forRegistry", String.class).invoke(identity, host);
  }

  private static Object fromEnvironment(ClassLoader loader, Class<?> type, Map<String, String> env)
      throws Exception {
    return loader
        .loadClass(type.getName())
        .getMethod("fromEnvironment", Map.class)
        .invoke(null, env);
  }

  @Test
  void theGoogleAuthLibraryLoadsOnlyWhenAGoogleRegistryIsLookedUp() throws Exception {
    IsolatedLoader loader = new IsolatedLoader();
    Object identity =
        fromEnvironment(loader, GoogleIdentity.class, Map.of("GCE_METADATA_HOST", "127.0.0.1:1"));
    assertThat(lookUp(identity, "index.docker.io")).isEqualTo(Optional.empty());
    assertThat(lookUp(identity, "myregistry.azurecr.io")).isEqualTo(Optional.empty());
    assertThat(loader.loaded(GOOGLE_SDK)).isFalse();

    assertThat(lookUp(identity, "gcr.io")).isEqualTo(Optional.empty()); // nothing listens
    assertThat(loader.loaded(GOOGLE_SDK)).isTrue();
    assertThat(loader.loaded(AZURE_SDK)).isFalse();
  }

  @Test
  void msal4jLoadsOnlyWhenAnAzureRegistryIsLookedUp() throws Exception {
    IsolatedLoader loader = new IsolatedLoader();
    Object identity =
        fromEnvironment(
            loader,
            AzureIdentity.class,
            Map.of(
                "AZURE_CLIENT_ID", "c",
                "AZURE_TENANT_ID", "t",
                "AZURE_FEDERATED_TOKEN_FILE", "/nonexistent/token",
                "AZURE_AUTHORITY_HOST", "https://127.0.0.1:1/"));
    assertThat(lookUp(identity, "index.docker.io")).isEqualTo(Optional.empty());
    assertThat(lookUp(identity, "us-docker.pkg.dev")).isEqualTo(Optional.empty());
    assertThat(loader.loaded(AZURE_SDK)).isFalse();

    assertThat(lookUp(identity, "myregistry.azurecr.io")).isEqualTo(Optional.empty());
    assertThat(loader.loaded(AZURE_SDK)).isTrue();
    assertThat(loader.loaded(GOOGLE_SDK)).isFalse();
  }

  @Test
  void theIdentitiesAreRegistryCredentials() {
    assertThat(RegistryCredentials.class)
        .isAssignableFrom(GoogleIdentity.class)
        .isAssignableFrom(AzureIdentity.class);
  }
}
