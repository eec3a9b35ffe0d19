package dev.tonnage.registry.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A local stand-in for the two AWS APIs an EKS workload's ECR login uses: STS
 * AssumeRoleWithWebIdentity (query protocol, XML) and ecr:GetAuthorizationToken (JSON 1.1), reached
 * through the SDK's endpoint overrides. Its answers are AWS's documented response documents; the
 * registry password it hands out is the one a real token-auth registry accepts.
 */
final class AwsApiStandIn implements AutoCloseable {

  static final String ROLE_ARN = "arn:aws:iam::111122223333:role/tonnage";
  static final String ACCESS_KEY_ID = "ASIAQSTANDIN7EXAMPLE";
  static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLESECRET";
  static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";
  private static final String ECR_TARGET =
      "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";

  /** One AWS API call as the stand-in saw it. */
  record Call(String api, Map<String, String> form, String authorization) {}

  private final MockWebServer server = new MockWebServer();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final String registryUser;
  private final String registryPassword;
  private volatile Duration tokenLifetime = Duration.ofHours(12);
  private volatile boolean denyEcr;

  AwsApiStandIn(String registryUser, String registryPassword) throws IOException {
    this.registryUser = registryUser;
    this.registryPassword = registryPassword;
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return answer(request);
          }
        });
    server.start();
  }

  /** The endpoint URL both APIs are reached at. */
  String endpoint() {
    return server.url("/").toString();
  }

  /** How long the tokens GetAuthorizationToken hands out from now on are valid. */
  void tokenLifetime(Duration lifetime) {
    this.tokenLifetime = lifetime;
  }

  /** Whether GetAuthorizationToken answers AccessDeniedException from now on. */
  void denyEcr(boolean deny) {
    this.denyEcr = deny;
  }

  List<Call> calls(String api) {
    return calls.stream().filter(call -> call.api().equals(api)).toList();
  }

  private MockResponse answer(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    String authorization = request.getHeaders().get("Authorization");
    if (ECR_TARGET.equals(request.getHeaders().get("X-Amz-Target"))) {
      calls.add(new Call("ecr", Map.of(), authorization));
      if (denyEcr) {
        return json(400, fixture("access-denied.json"));
      }
      String token =
          Base64.getEncoder()
              .encodeToString(
                  (registryUser + ":" + registryPassword).getBytes(StandardCharsets.UTF_8));
      long expiresAt = Instant.now().plus(tokenLifetime).getEpochSecond();
      return json(
          200,
          fixture("get-authorization-token.json")
              .replace("${AUTHORIZATION_TOKEN}", token)
              .replace("${EXPIRES_AT}", Long.toString(expiresAt)));
    }
    Map<String, String> form = form(body);
    if ("AssumeRoleWithWebIdentity".equals(form.get("Action"))) {
      calls.add(new Call("sts", form, authorization));
      return new MockResponse.Builder()
          .code(200)
          .addHeader("Content-Type", "text/xml")
          .body(
              fixture("assume-role-with-web-identity.xml")
                  .replace("${SESSION_TOKEN}", SESSION_TOKEN)
                  .replace("${SECRET_ACCESS_KEY}", SECRET_ACCESS_KEY)
                  .replace("${ACCESS_KEY_ID}", ACCESS_KEY_ID)
                  .replace("${EXPIRATION}", Instant.now().plus(Duration.ofHours(1)).toString()))
          .build();
    }
    calls.add(new Call("unknown", form, authorization));
    return json(400, "{\"__type\":\"UnknownOperationException\"}");
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/x-amz-json-1.1")
        .body(body)
        .build();
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static String fixture(String name) {
    try (InputStream in = AwsApiStandIn.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
