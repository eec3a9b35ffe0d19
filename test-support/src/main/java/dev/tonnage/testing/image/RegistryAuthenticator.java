package dev.tonnage.testing.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * Answers a registry's 401 challenge once: {@code Basic} with the credentials, {@code Bearer} with
 * a token fetched from the challenge's realm for its scope (cached per scope).
 */
final class RegistryAuthenticator implements Authenticator {

  private static final Pattern PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String username;
  private final String password;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private volatile OkHttpClient tokenClient;

  RegistryAuthenticator(String username, String password) {
    this.username = username;
    this.password = password;
  }

  /** The client that fetches tokens: the registry client without this authenticator. */
  void tokenClient(OkHttpClient client) {
    this.tokenClient = client;
  }

  @Override
  public Request authenticate(Route route, Response response) throws IOException {
    if (response.priorResponse() != null) {
      return null; // already answered one challenge: the credentials do not suffice
    }
    String challenge = response.header("WWW-Authenticate");
    if (challenge == null) {
      return null;
    }
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      return username == null
          ? null
          : response
              .request()
              .newBuilder()
              .header("Authorization", Credentials.basic(username, password))
              .build();
    }
    if (challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
      Map<String, String> parameters = parameters(challenge);
      String key = parameters.get("realm") + " " + parameters.get("scope");
      String token = tokens.get(key);
      if (token == null) {
        token = fetchToken(parameters);
        tokens.put(key, token);
      }
      return response.request().newBuilder().header("Authorization", "Bearer " + token).build();
    }
    return null;
  }

  private String fetchToken(Map<String, String> challenge) throws IOException {
    HttpUrl realm = HttpUrl.get(challenge.get("realm"));
    HttpUrl.Builder url = realm.newBuilder();
    if (challenge.containsKey("service")) {
      url.addQueryParameter("service", challenge.get("service"));
    }
    if (challenge.containsKey("scope")) {
      url.addQueryParameter("scope", challenge.get("scope"));
    }
    Request.Builder request = new Request.Builder().url(url.build());
    if (username != null) {
      request.header("Authorization", Credentials.basic(username, password));
    }
    try (Response response = tokenClient.newCall(request.build()).execute()) {
      String body = response.body().string();
      if (!response.isSuccessful()) {
        throw new RegistryResponseException("GET " + realm, response.code(), body);
      }
      JsonNode json = JSON.readTree(body);
      String token = json.path("token").asText(json.path("access_token").asText(null));
      if (token == null || token.isEmpty()) {
        throw new IOException("token response from " + realm + " has no token: " + body);
      }
      return token;
    }
  }

  static Map<String, String> parameters(String challenge) {
    Map<String, String> parameters = new LinkedHashMap<>();
    Matcher matcher = PARAMETER.matcher(challenge);
    while (matcher.find()) {
      parameters.put(matcher.group(1), matcher.group(2));
    }
    return parameters;
  }
}
