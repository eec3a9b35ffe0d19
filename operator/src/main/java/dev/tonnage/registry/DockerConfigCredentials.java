package dev.tonnage.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Credentials from a docker {@code config.json} (also podman's {@code auth.json} and the {@code
 * .dockerconfigjson} of a Kubernetes {@code kubernetes.io/dockerconfigjson} secret). Reads {@code
 * auths} entries with {@code auth} (base64 user:password), {@code username}/{@code password} or
 * {@code identitytoken}; keys may be URLs ({@code https://index.docker.io/v1/}), host[:port], or
 * Kubernetes-style wildcards ({@code *.example.com}). {@code credHelpers} (per registry) and {@code
 * credsStore} (for every other registry) name external programs, {@code docker-credential-NAME};
 * they are run only through {@link #withHelpers(CredentialHelpers)}, never for a pull secret.
 */
public final class DockerConfigCredentials implements RegistryCredentials {

  /** Larger than any real config.json; a Kubernetes Secret holds at most 1 MiB too. */
  static final int MAX_CONFIG_BYTES = 1024 * 1024;

  /** Registries one config may name. */
  static final int MAX_AUTHS_ENTRIES = 1024;

  /** The longest registry key: a URL with a 253-character host, port and path. */
  static final int MAX_KEY_LENGTH = 512;

  /** config.json nests 3 levels; 32 refuses hostile depth long before the stack notices. */
  static final int MAX_NESTING_DEPTH = 32;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_NESTING_DEPTH)
                      .maxStringLength(MAX_CONFIG_BYTES)
                      .build())
              .build());

  /** What docker sends a credential helper for Docker Hub; other registries are host[:port]. */
  static final String DOCKER_HUB_SERVER_URL = "https://index.docker.io/v1/";

  private final Map<String, Credential> byHost;
  private final Map<String, String> helperByHost;
  private final String credsStore;

  private DockerConfigCredentials(
      Map<String, Credential> byHost, Map<String, String> helperByHost, String credsStore) {
    this.byHost = Map.copyOf(byHost);
    this.helperByHost = Map.copyOf(helperByHost);
    this.credsStore = credsStore;
  }

  /** Reads {@code file}; the error names the file and what is wrong, never its content. */
  public static DockerConfigCredentials fromFile(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_CONFIG_BYTES) {
      throw new IOException(
          file + ": is " + size + " bytes; a docker config may have at most " + MAX_CONFIG_BYTES);
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return fromJson(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses docker config JSON. A top-level object without {@code auths} is read as the legacy
   * {@code .dockercfg} form (the auths map itself).
   */
  public static DockerConfigCredentials fromJson(String json) {
    if (json.length() > MAX_CONFIG_BYTES) {
      throw new IllegalArgumentException(
          "docker config is "
              + json.length()
              + " characters long; at most "
              + MAX_CONFIG_BYTES
              + " are read");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // Never quote the input: it holds secrets. Limit violations may carry no location.
      JsonLocation where = e.getLocation();
      throw new IllegalArgumentException(
          "docker config is not valid JSON"
              + (where == null
                  ? ""
                  : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
              + (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException
                  ? ": it is nested deeper than " + MAX_NESTING_DEPTH + " levels or too long"
                  : ""),
          null);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("docker config must be a JSON object");
    }
    // A config with only helpers has no "auths"; the legacy form is the auths map itself.
    boolean legacy = !root.has("auths") && !root.has("credHelpers") && !root.has("credsStore");
    JsonNode auths = legacy ? root : root.path("auths");
    if (auths.isMissingNode()) {
      auths = JSON.createObjectNode();
    }
    if (!auths.isObject()) {
      throw new IllegalArgumentException("docker config \"auths\" must be an object");
    }
    if (auths.size() > MAX_AUTHS_ENTRIES) {
      throw new IllegalArgumentException(
          "docker config \"auths\" has "
              + auths.size()
              + " entries; at most "
              + MAX_AUTHS_ENTRIES
              + " are read");
    }
    Map<String, Credential> byHost = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : auths.properties()) {
      if (!entry.getValue().isObject()) {
        continue; // e.g. credsStore-only configs; not credentials
      }
      if (entry.getKey().length() > MAX_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "docker config has a registry key of "
                + entry.getKey().length()
                + " characters; at most "
                + MAX_KEY_LENGTH
                + " are allowed");
      }
      credentialOf(entry.getKey(), entry.getValue())
          .ifPresent(credential -> byHost.put(normalizeKey(entry.getKey()), credential));
    }
    Map<String, String> helperByHost = new LinkedHashMap<>();
    JsonNode helpers = root.path("credHelpers");
    if (!legacy && helpers.isObject()) {
      if (helpers.size() > MAX_AUTHS_ENTRIES) {
        throw new IllegalArgumentException(
            "docker config \"credHelpers\" has "
                + helpers.size()
                + " entries; at most "
                + MAX_AUTHS_ENTRIES
                + " are read");
      }
      for (Map.Entry<String, JsonNode> entry : helpers.properties()) {
        if (entry.getKey().length() > MAX_KEY_LENGTH) {
          throw new IllegalArgumentException(
              "docker config \"credHelpers\" has a registry key of "
                  + entry.getKey().length()
                  + " characters; at most "
                  + MAX_KEY_LENGTH
                  + " are allowed");
        }
        helperByHost.put(normalizeKey(entry.getKey()), helperName(entry.getValue().asText("")));
      }
    }
    String store = legacy ? null : text(root, "credsStore");
    return new DockerConfigCredentials(
        byHost, helperByHost, store == null || store.isEmpty() ? null : helperName(store));
  }

  private static String helperName(String name) {
    if (!CredentialHelper.isValidName(name)) {
      throw new IllegalArgumentException(
          "docker config names a credential helper that is not a plain program name of at most "
              + CredentialHelper.MAX_NAME_LENGTH
              + " letters, digits, '.', '_' and '-'");
    }
    return name;
  }

  /**
   * These credentials with the config's credential helpers run, as docker does: a registry's {@code
   * credHelpers} entry, else {@code credsStore}, answers first; when the helper has no credential
   * (or is not installed, or fails) the {@code auths} entries answer.
   */
  public RegistryCredentials withHelpers(CredentialHelpers helpers) {
    if (helperByHost.isEmpty() && credsStore == null) {
      return this;
    }
    return registryHost -> {
      String host = normalizeKey(registryHost);
      String helper = helperByHost.getOrDefault(host, credsStore);
      if (helper != null) {
        String serverUrl = ImageReference.DOCKER_HUB.equals(host) ? DOCKER_HUB_SERVER_URL : host;
        Optional<Credential> answer = helpers.credential(helper, serverUrl);
        if (answer.isPresent()) {
          return answer;
        }
      }
      return forRegistry(registryHost);
    };
  }

  /**
   * The credential helpers the config names ({@code credHelpers} values and {@code credsStore}).
   */
  public Set<String> helpers() {
    Set<String> names = new TreeSet<>(helperByHost.values());
    if (credsStore != null) {
      names.add(credsStore);
    }
    return names;
  }

  /**
   * The docker config the CLI and local tools would use: {@code REGISTRY_AUTH_FILE} first, then
   * {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}; files that do not exist
   * are skipped. Credential helpers are not run.
   */
  public static RegistryCredentials fromEnvironment(Map<String, String> env, Path home)
      throws IOException {
    return fromEnvironment(env, home, null);
  }

  /** As {@link #fromEnvironment(Map, Path)}, running the configs' helpers from {@code helpers}. */
  public static RegistryCredentials fromEnvironment(
      Map<String, String> env, Path home, CredentialHelpers helpers) throws IOException {
    List<Path> files = new ArrayList<>();
    String authFile = env.get("REGISTRY_AUTH_FILE");
    if (authFile != null && !authFile.isBlank()) {
      files.add(Path.of(authFile));
    }
    String dockerConfig = env.get("DOCKER_CONFIG");
    if (dockerConfig != null && !dockerConfig.isBlank()) {
      files.add(Path.of(dockerConfig, "config.json"));
    } else if (home != null) {
      files.add(home.resolve(".docker").resolve("config.json"));
    }
    List<RegistryCredentials> sources = new ArrayList<>();
    for (Path file : files) {
      if (Files.isRegularFile(file)) {
        DockerConfigCredentials config = fromFile(file);
        sources.add(helpers == null ? config : config.withHelpers(helpers));
      }
    }
    return RegistryCredentials.chain(sources.toArray(RegistryCredentials[]::new));
  }

  @Override
  public Optional<Credential> forRegistry(String registryHost) {
    String host = normalizeKey(registryHost);
    Credential exact = byHost.get(host);
    if (exact != null) {
      return Optional.of(exact);
    }
    return byHost.entrySet().stream()
        .filter(e -> e.getKey().contains("*") && wildcardMatches(e.getKey(), host))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** The registry hosts this config has credentials or a credential helper for, normalized. */
  public List<String> registries() {
    Set<String> hosts = new LinkedHashSet<>(byHost.keySet());
    hosts.addAll(helperByHost.keySet());
    return List.copyOf(hosts);
  }

  private static Optional<Credential> credentialOf(String key, JsonNode entry) {
    String username = text(entry, "username");
    String password = text(entry, "password");
    String auth = text(entry, "auth");
    if (auth != null && !auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "docker config entry \"" + key + "\": \"auth\" is not valid base64", null);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "docker config entry \"" + key + "\": \"auth\" must decode to username:password");
      }
      username = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    String identityToken = text(entry, "identitytoken");
    if (identityToken != null && !identityToken.isEmpty()) {
      return Optional.of(Credential.identityToken(username, identityToken));
    }
    if (username != null && !username.isEmpty() && password != null) {
      return Optional.of(Credential.basic(username, password));
    }
    return Optional.empty();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** {@code https://index.docker.io/v1/} -> {@code index.docker.io}; docker.io aliases folded. */
  static String normalizeKey(String key) {
    String host = key.trim().toLowerCase(Locale.ROOT);
    int scheme = host.indexOf("://");
    if (scheme >= 0) {
      host = host.substring(scheme + 3);
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    return switch (host) {
      case "docker.io", "registry-1.docker.io", "registry.hub.docker.com" ->
          ImageReference.DOCKER_HUB;
      default -> host;
    };
  }

  /** Kubernetes semantics: {@code *} stands for exactly one DNS label; ports must match. */
  private static boolean wildcardMatches(String pattern, String host) {
    String[] want = pattern.split("\\.", -1);
    String[] have = host.split("\\.", -1);
    if (want.length != have.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (!labelMatches(want[i], have[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code label} matches {@code pattern}, whose {@code *} stands for any run without '.'
   * or ':'. All pattern positions are tracked at once: time is label length x pattern length, both
   * capped by {@link #MAX_KEY_LENGTH}, with no backtracking.
   */
  static boolean labelMatches(String pattern, String label) {
    int m = pattern.length();
    boolean[] current = new boolean[m + 1];
    current[0] = true;
    skipStars(pattern, current);
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      boolean[] next = new boolean[m + 1];
      for (int p = 0; p < m; p++) {
        if (current[p]) {
          char want = pattern.charAt(p);
          if (want == '*') {
            if (c != '.' && c != ':') {
              next[p] = true;
            }
          } else if (want == c) {
            next[p + 1] = true;
          }
        }
      }
      skipStars(pattern, next);
      current = next;
    }
    return current[m];
  }

  /** A star may match nothing: whatever reaches it reaches the position after it too. */
  private static void skipStars(String pattern, boolean[] active) {
    for (int p = 0; p < pattern.length(); p++) {
      if (active[p] && pattern.charAt(p) == '*') {
        active[p + 1] = true;
      }
    }
  }

  @Override
  public String toString() {
    return "DockerConfigCredentials" + byHost.keySet() + " helpers" + helpers();
  }
}
