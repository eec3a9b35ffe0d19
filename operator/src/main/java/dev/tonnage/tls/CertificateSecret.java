package dev.tonnage.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-signed mode's CA and serving certificate, kept in one {@code kubernetes.io/tls} Secret
 * so that every replica serves the same certificate and the webhook configurations carry one CA.
 * The Secret is created only when absent and updated only with the resourceVersion that was read:
 * when replicas race, one write wins, the others get a conflict, re-read and use the winner's pair.
 * The serving certificate is re-issued (same CA, so caBundle stays valid) when it nears expiry or
 * does not cover the names the API server dials.
 */
public final class CertificateSecret {

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  private static final Logger LOG = LoggerFactory.getLogger(CertificateSecret.class);
  private static final int MAX_ATTEMPTS = 5;
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVING_VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final List<String> dnsNames;
  private final List<String> ipAddresses;
  private final Clock clock;

  /**
   * @param hostNames the DNS names and IP literals the serving certificate must cover
   */
  public CertificateSecret(
      KubernetesClient client,
      String namespace,
      String name,
      Collection<String> hostNames,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.dnsNames = hostNames.stream().filter(h -> !CertificateAuthority.isIpAddress(h)).toList();
    this.ipAddresses =
        hostNames.stream()
            .filter(CertificateAuthority::isIpAddress)
            .map(h -> h.replace("[", "").replace("]", ""))
            .toList();
    this.clock = clock;
  }

  /** The CA and a serving pair valid for the configured names: read, created or renewed. */
  public Issued ensure() {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      Instant now = clock.instant();
      if (secret == null) {
        CertificateAuthority ca =
            CertificateAuthority.generate("tonnage-webhook-ca", CA_VALIDITY, now);
        Issued issued = new Issued(ca, issue(ca, now));
        if (write(toSecret(issued, null))) {
          LOG.info("created webhook certificate secret {}/{}", namespace, name);
          return issued;
        }
        continue;
      }
      boolean empty = isEmpty(secret);
      Issued stored = empty ? null : read(secret);
      if (stored != null && isCurrent(stored, now)) {
        return stored;
      }
      CertificateAuthority ca =
          stored != null && stillValid(stored.ca().certificate(), now)
              ? stored.ca()
              : CertificateAuthority.generate("tonnage-webhook-ca", CA_VALIDITY, now);
      Issued renewed = new Issued(ca, issue(ca, now));
      if (write(toSecret(renewed, secret.getMetadata().getResourceVersion()))) {
        if (empty) {
          // A first install: the chart creates the Secret empty for the operator to fill.
          LOG.info(
              "generated the webhook CA and serving certificate in secret {}/{}", namespace, name);
        } else {
          LOG.info("renewed webhook serving certificate in secret {}/{}", namespace, name);
        }
        return renewed;
      }
    }
    throw new TlsMaterialException(
        "could not agree on the webhook certificate in secret "
            + namespace
            + "/"
            + name
            + " after "
            + MAX_ATTEMPTS
            + " attempts: other writers keep changing it");
  }

  /** A CA and the serving pair it issued. */
  public record Issued(CertificateAuthority ca, PemKeyMaterial serving) {

    /** The PEM that goes into the webhook configurations' caBundle. */
    public String caBundlePem() {
      return PemKeyMaterial.encodeCertificates(List.of(ca.certificate()));
    }
  }

  private PemKeyMaterial issue(CertificateAuthority ca, Instant now) {
    String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
    return ca.issueServingCertificate(commonName, dnsNames, ipAddresses, SERVING_VALIDITY, now);
  }

  /** Returns false on a conflict (someone else wrote first). */
  private boolean write(Secret secret) {
    try {
      if (secret.getMetadata().getResourceVersion() == null) {
        client.secrets().inNamespace(namespace).resource(secret).create();
      } else {
        client.secrets().inNamespace(namespace).resource(secret).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        LOG.debug("secret {}/{} was written concurrently; re-reading", namespace, name);
        return false;
      }
      throw e;
    }
  }

  private Secret toSecret(Issued issued, String resourceVersion) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, base64(issued.caBundlePem()));
    data.put(CA_KEY, base64(PemKeyMaterial.privateKeyPem(issued.ca().privateKey())));
    data.put(TLS_CERT, base64(issued.serving().certificatesPem()));
    data.put(TLS_KEY, base64(issued.serving().privateKeyPem()));
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withResourceVersion(resourceVersion)
        .addToLabels("app.kubernetes.io/name", "tonnage")
        .addToLabels("app.kubernetes.io/component", "webhook-certificate")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
  }

  /** No key holds anything: the chart's placeholder (tls.crt and tls.key empty). */
  private static boolean isEmpty(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    return data.values().stream().allMatch(v -> v == null || v.isBlank());
  }

  private Issued read(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String source = "secret " + namespace + "/" + name;
    try {
      X509Certificate caCert =
          PemKeyMaterial.parseCertificates(decode(data, CA_CERT), source + " " + CA_CERT).get(0);
      CertificateAuthority ca =
          new CertificateAuthority(
              caCert, PemKeyMaterial.parsePrivateKey(decode(data, CA_KEY), source + " " + CA_KEY));
      PemKeyMaterial serving =
          PemKeyMaterial.parse(
              decode(data, TLS_CERT),
              source + " " + TLS_CERT,
              decode(data, TLS_KEY),
              source + " " + TLS_KEY);
      return new Issued(ca, serving);
    } catch (TlsMaterialException | IllegalArgumentException e) {
      LOG.warn(
          "{} does not hold a usable CA and serving pair ({}); replacing it",
          source,
          e.getMessage());
      return null;
    }
  }

  private boolean isCurrent(Issued issued, Instant now) {
    X509Certificate leaf = issued.serving().leaf();
    return stillValid(leaf, now) && issued.ca().issued(leaf) && coversNames(leaf);
  }

  private static boolean stillValid(X509Certificate certificate, Instant now) {
    return certificate.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))
        && !certificate.getNotBefore().toInstant().isAfter(now.plus(Duration.ofMinutes(10)));
  }

  private boolean coversNames(X509Certificate leaf) {
    Set<String> present = new HashSet<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> entry : leaf.getSubjectAlternativeNames()) {
          present.add(String.valueOf(entry.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    Set<String> normalizedIps = new HashSet<>();
    for (String ip : ipAddresses) {
      normalizedIps.add(normalizeIp(ip));
    }
    Set<String> presentNormalized = new HashSet<>();
    present.forEach(p -> presentNormalized.add(normalizeIp(p)));
    return present.containsAll(dnsNames) && presentNormalized.containsAll(normalizedIps);
  }

  private static String normalizeIp(String text) {
    if (!CertificateAuthority.isIpAddress(text)) {
      return text;
    }
    try {
      return InetAddress.getByName(text.contains(":") ? "[" + text + "]" : text).getHostAddress();
    } catch (UnknownHostException e) {
      return text;
    }
  }

  private static String decode(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null) {
      throw new TlsMaterialException("key " + key + " is missing");
    }
    return new String(Base64.getDecoder().decode(value), StandardCharsets.ISO_8859_1);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
