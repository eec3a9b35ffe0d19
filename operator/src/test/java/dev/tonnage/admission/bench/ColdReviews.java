package dev.tonnage.admission.bench;

import dev.tonnage.admission.AdmissionEndpoint;
import dev.tonnage.admission.AdmissionServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Many new images at once: {@code images} images never measured, each named by {@code perImage} Pod
 * reviews sent together over HTTP/2 (as the API server multiplexes them). Every image must be
 * fetched once, whatever the number of reviews naming it, and every review answered within the
 * budget.
 */
final class ColdReviews {

  private ColdReviews() {}

  /**
   * What happened.
   *
   * @param registryRequests registry exchanges for all reviews together
   * @param requestsForOneImage registry exchanges for one new image reviewed alone
   * @param allowed reviews answered allowed without a warning (facts found, policies passed)
   * @param slowest the slowest answer
   */
  record Result(
      int images,
      int reviews,
      int registryRequests,
      int requestsForOneImage,
      int allowed,
      Duration slowest) {}

  static Result run(
      BenchmarkRegistry registry, AdmissionBenchmark.Bench bench, int images, int perImage)
      throws Exception {
    String[] names = new String[images];
    for (int i = 0; i < images; i++) {
      names[i] = "cold/app-" + i + ":1";
    }
    registry.push(names);
    registry.push("cold/probe:1");
    // The webhook allows MAX_CONCURRENT_STREAMS per HTTP/2 connection; the API server, like this,
    // opens more connections rather than exceed it.
    List<HttpClient> clients = new ArrayList<>();
    int perConnection = AdmissionServer.MAX_CONCURRENT_STREAMS - 2;
    for (int i = 0; i < images * perImage / perConnection + 1; i++) {
      clients.add(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_2)
              .sslContext(bench.client)
              .build());
    }
    HttpClient client = clients.get(0);
    String template = registry.review("pod-create-generatename.json");

    registry.requests.set(0);
    review(client, bench, template.replace("acme/batch:2", "cold/probe:1")).join();
    int oneImage = registry.requests.getAndSet(0);

    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    for (int round = 0; round < perImage; round++) {
      for (String name : names) {
        answers.add(
            review(
                clients.get(answers.size() % clients.size()),
                bench,
                template.replace("acme/batch:2", name)));
      }
    }
    CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).join();
    Duration slowest = Duration.ZERO;
    int allowed = 0;
    for (CompletableFuture<Answer> answer : answers) {
      Answer a = answer.join();
      slowest = a.took().compareTo(slowest) > 0 ? a.took() : slowest;
      if (a.body().contains("\"allowed\":true") && !a.body().contains("\"warnings\"")) {
        allowed++;
      }
    }
    return new Result(images, answers.size(), registry.requests.get(), oneImage, allowed, slowest);
  }

  private record Answer(String body, Duration took) {}

  private static CompletableFuture<Answer> review(
      HttpClient client, AdmissionBenchmark.Bench bench, String body) {
    long started = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "https://127.0.0.1:"
                        + bench.server.port()
                        + AdmissionEndpoint.VALIDATE.path()
                        + "?timeout=10s"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Answer(r.body(), Duration.ofNanos(System.nanoTime() - started)));
  }
}
