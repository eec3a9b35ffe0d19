package dev.tonnage.testing.registry;

import java.nio.file.Path;

/**
 * The docker-registry (distribution 2.8) configuration file of a {@link RegistryServer}: loopback
 * only, filesystem storage, deletes enabled, Prometheus metrics on the debug port.
 *
 * @param port the API port
 * @param debugPort the debug and metrics port
 * @param storage the storage root directory
 * @param tlsCertificate PEM certificate chain, or null for HTTP
 * @param tlsKey PEM key, or null for HTTP
 * @param htpasswd the htpasswd file, or null
 * @param token the token auth settings, or null
 */
record RegistryConfig(
    int port,
    int debugPort,
    Path storage,
    Path tlsCertificate,
    Path tlsKey,
    Path htpasswd,
    TokenAuth token) {

  /** {@code auth.token} settings. */
  record TokenAuth(String realm, String service, String issuer, Path rootCertBundle) {}

  String toYaml(String httpSecret) {
    StringBuilder yaml = new StringBuilder();
    yaml.append(
        """
        version: 0.1
        log:
          level: info
          formatter: text
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        health:
          storagedriver:
            enabled: false
        validation:
          manifests:
            urls:
              allow:
                - ^https?://
        http:
          addr: 127.0.0.1:%d
          secret: %s
          debug:
            addr: 127.0.0.1:%d
            prometheus:
              enabled: true
              path: /metrics
        """
            .formatted(storage, port, httpSecret, debugPort));
    if (tlsCertificate != null) {
      yaml.append(
          """
            tls:
              certificate: %s
              key: %s
          """
              .formatted(tlsCertificate, tlsKey));
    }
    if (htpasswd != null) {
      yaml.append(
          """
          auth:
            htpasswd:
              realm: tonnage-test-registry
              path: %s
          """
              .formatted(htpasswd));
    }
    if (token != null) {
      yaml.append(
          """
          auth:
            token:
              realm: %s
              service: %s
              issuer: %s
              rootcertbundle: %s
          """
              .formatted(token.realm(), token.service(), token.issuer(), token.rootCertBundle()));
    }
    return yaml.toString();
  }
}
