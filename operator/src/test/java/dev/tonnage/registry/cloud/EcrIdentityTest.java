package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EcrIdentityTest {

  private static final String ECR = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

  @Test
  void otherHostsNeverMakeTheTokenSource() {
    EcrIdentity identity =
        new EcrIdentity(
            EcrHost::parse,
            () -> {
              throw new AssertionError("the AWS SDK was set up for a host that is not ECR");
            },
            Clock.systemUTC());

    assertThat(identity.forRegistry("index.docker.io")).isEmpty();
    assertThat(identity.forRegistry("111122223333.dkr.ecr.us-east-1.evil.com")).isEmpty();
  }

  @Test
  void withoutAwsCredentialsEcrIsAnonymousAndNotAskedAgainAtOnce() {
    AtomicInteger made = new AtomicInteger();
    AtomicInteger fetched = new AtomicInteger();
    EcrIdentity identity =
        new EcrIdentity(
            EcrHost::parse,
            () -> {
              made.incrementAndGet();
              return host -> {
                fetched.incrementAndGet();
                return Optional.empty();
              };
            },
            Clock.systemUTC());

    assertThat(identity.forRegistry(ECR)).isEmpty();
    assertThat(identity.forRegistry(ECR)).isEmpty();

    assertThat(made).hasValue(1);
    assertThat(fetched).hasValue(1);
  }

  /**
   * CLI start-up: with the default --cloud-identity, a run that names no ECR image loads no AWS SDK
   * class. Checked in a class loader of its own, since this JVM may have loaded the SDK already.
   */
  @Test
  void theAwsSdkIsNotLoadedUntilAnEcrHostIsLookedUp() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    try (IsolatedLoader loader = new IsolatedLoader(urls.toArray(URL[]::new))) {
      Class<?> identities = loader.loadClass(CloudIdentities.class.getName());
      Class<?> provider = loader.loadClass(CloudProvider.class.getName());
      Method of = identities.getMethod("of", Set.class, Map.class);
      Object aws = provider.getField("AWS").get(null);
      Object credentials = of.invoke(null, Set.of(aws), Map.of());
      Method forRegistry =
          loader
              .loadClass("dev.tonnage.registry.RegistryCredentials")
              .getMethod("forRegistry", String.class);

      assertThat(forRegistry.invoke(credentials, "index.docker.io")).isEqualTo(Optional.empty());

      assertThat(loader.loaded(EcrIdentity.class.getName())).isTrue();
      assertThat(loader.loaded(SdkEcrTokens.class.getName())).isFalse();
      assertThat(loader.loaded("software.amazon.awssdk.services.ecr.EcrClient")).isFalse();
      assertThat(loader.loaded("software.amazon.awssdk.regions.Region")).isFalse();
    }
  }

  /** Loads every class itself (the JDK's excepted), so what it has loaded is this test's doing. */
  private static final class IsolatedLoader extends URLClassLoader {
    IsolatedLoader(URL[] urls) {
      super(urls, ClassLoader.getPlatformClassLoader());
    }

    boolean loaded(String name) {
      synchronized (getClassLoadingLock(name)) {
        return findLoadedClass(name) != null;
      }
    }
  }
}
