package dev.tonnage.registry.cloud;

import java.util.function.Supplier;

/** Fetches a fresh registry credential from a cloud's token services, for one registry host. */
@FunctionalInterface
interface CloudTokenSource {

  /**
   * @throws Exception any failure; its message must never contain a token
   */
  CloudToken fetch(String registryHost) throws Exception;

  /**
   * A source created on its first fetch, then reused: creating it loads the cloud's SDK, which only
   * a lookup of one of its registries should do. A failed creation is tried again next time.
   */
  static CloudTokenSource createdOnFirstUse(Supplier<CloudTokenSource> create) {
    return new CloudTokenSource() {
      private CloudTokenSource created;

      @Override
      public CloudToken fetch(String registryHost) throws Exception {
        return created().fetch(registryHost);
      }

      private synchronized CloudTokenSource created() {
        if (created == null) {
          created = create.get();
        }
        return created;
      }
    };
  }
}
