package dev.tonnage.e2e.abuse;

import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.PushedLayer;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.kube.Namespaces;
import dev.tonnage.testing.operator.OperatorProcess;
import dev.tonnage.testing.process.FootprintSampler;
import dev.tonnage.testing.process.ProcessFootprint;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.HostileRegistry;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.testing.tls.CertificateAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input against the operator jar as a process (issue 10): a real kube-apiserver and
 * registry, a {@link HostileRegistry}, and clients that send what no API server would. The
 * single-request attacks (orders 1-7) share one operator; those that may leave it burning CPU, out
 * of threads or dead (8-11) run last, each on an operator of its own; every operator has the heap
 * the chart gives it. Each test checks what must hold whatever the attack: every answer is an
 * AdmissionReview within its time, the thread count and RSS stay bounded, /readyz stays 200, and an
 * honest review is answered within a second during and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintComponentLogsOnFailure.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbuseE2E {

  /** The issue's bar: an honest review is answered within a second, during and after an attack. */
  private static final Duration NORMAL_REVIEW_MAX = Duration.ofSeconds(1);

  /** --review-budget: short, so facts a registry withholds cost seconds, not the 8 s default. */
  private static final Duration REVIEW_BUDGET = Duration.ofSeconds(3);

  /** Budget plus time to answer; still well inside the API server's 10 s webhook timeout. */
  private static final Duration ANSWER_MAX = REVIEW_BUDGET.plusSeconds(2);

  /** "A few hundred at most" (issue 10 item 3); an idle operator runs well under 100. */
  private static final int MAX_THREADS = 400;

  /** A policy status far below the API server's ~1.5 MiB object limit, whatever images hold. */
  private static final long MAX_STATUS_BYTES = 256 * 1024;

  /**
   * Distinct {@code registry} label values: the registries named in flags and policies (two here),
   * the well-known public ones (about fifteen) and {@code other}; far below the hosts Pods name.
   */
  private static final int MAX_REGISTRY_LABELS = 32;

  /** "A few KB" of reference; one path component of dot-separated letters, as the issue found. */
  private static final int LONG_REFERENCE_CHARS = 5 * 1024;

  /** JSON nesting no API server sends; deep enough to overflow a recursive parser's stack. */
  private static final int NESTING_DEPTH = 100_000;

  /** A base-image name of 1 MiB, in a manifest well under the 4 MiB manifest cap. */
  private static final int BASE_NAME_CHARS = 1 << 20;

  /**
   * Entries in the hostile index: tens of thousands, but few enough (about 180 bytes each) that the
   * index stays under the 4 MiB manifest cap, so its entries are read and not refused by size.
   */
  private static final int INDEX_ENTRIES = 20_000;

  /** Slowloris connections: as many as the issue used. */
  private static final int SLOW_CLIENTS = 100;

  /** Each slow connection's declared body: just under the 7 MiB body cap, so it is accepted. */
  private static final long DECLARED_BODY_BYTES = 7_000_000;

  /** How long the slow connections trickle while honest reviews are timed. */
  private static final Duration TRICKLE_FOR = Duration.ofSeconds(5);

  /** Registry hosts named by Pods, as in the issue. */
  private static final int REGISTRY_HOSTS = 300;

  /** Containers per Pod naming them: 30 reviews instead of 300 keep the test short. */
  private static final int HOSTS_PER_POD = 10;

  /** A forged ISIZE (50 MiB) well over the 10 MiB limit, plausible for a 300 KB gzip layer. */
  private static final int FORGED_ISIZE = 50 << 20;

  /** A Bearer challenge of 1 MiB: far over any header a registry needs to send. */
  private static final int HUGE_CHALLENGE_BYTES = 1 << 20;

  /** An AdmissionReview answer is messages of at most a few KiB; 64 KiB means something leaked. */
  private static final int MAX_ANSWER_CHARS = 64 * 1024;

  /** How long an audit of a handful of Pods may take to write a policy status. */
  private static final Duration AUDIT_WAIT = Duration.ofSeconds(20);

  /** How long to watch /readyz and the TLS port from process start. */
  private static final Duration STARTUP_WATCH = Duration.ofSeconds(60);

  /** Concurrent attack requests: more than the cores, fewer than a server's worker pool. */
  private static final int ATTACKERS = 16;

  private static final String NAMESPACE = "abuse";
  private static final String GUARD_POLICY = "abuse-guard-big";

  private final Path repo = Checkout.root();
  private final ExecutorService attackers = Executors.newFixedThreadPool(ATTACKERS);
  private ScratchDirectory work;
  private RegistryServer registry;
  private HostileRegistry hostile;
  private KubeApiServer kube;
  private OperatorProcess operator;
  private OperatorProcess shared;
  private CertificateAuthority ca;
  private SSLContext tls;
  private ChartMemory memory;
  private WebhookClient webhook;
  private String testName;
  private String small;
  private String big;
  private String honest;
  private String forger;
  private String index;
  private String hostileBase;
  private String guardPolicy;
  private String trickling;
  private String challenging;
  private List<String> metadataProbes;

  @BeforeAll
  void startComponents() throws Exception {
    work = ScratchDirectory.create("abuse-e2e");
    memory = ChartMemory.read(repo);
    ca = CertificateAuthority.create("abuse e2e CA");
    ca.issueServerCertificate("tonnage", List.of("localhost"), List.of("127.0.0.1"))
        .writePem(work.path().resolve("tls.crt"), work.path().resolve("tls.key"));
    tls = ca.clientSslContext();

    registry = RegistryServer.start(RegistryMode.PLAIN);
    hostile = HostileRegistry.start(ca, work.path().resolve("hostile-ca.pem"));
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      small = images.push("team/small:1", ImageSpec.singleLayer("app.txt", "hello")).reference();
      big = images.push("team/big:1", randomLayer("data.bin", 2 << 20, 1)).reference();
      PushedImage honestImage = images.push("team/honest:1", randomLayer("data.bin", 300 << 10, 2));
      honest = honestImage.reference();
      // The forger names the honest team's layer digest and serves its real bytes, but answers
      // the 4-byte trailer read with a forged ISIZE.
      PushedLayer shared = honestImage.single().layers().get(0);
      hostile.forgeGzipTrailer(
          shared.digest(), images.client().blob("team/honest", shared.digest()), FORGED_ISIZE);
      forger =
          hostile.putImage(
              "team/forger",
              "1",
              List.of(new HostileRegistry.Layer(shared.digest(), shared.size())),
              Map.of(),
              Map.of());
    }
    index = hostile.putIndex("index/many", "1", INDEX_ENTRIES);
    String hugeBase =
        "index.docker.io/library/"
            + "a".repeat(BASE_NAME_CHARS - "index.docker.io/library/".length());
    hostileBase =
        hostile.putImage(
            "base/app",
            "1",
            List.of(hostile.emptyLayer()),
            Map.of(ImageSpec.BASE_NAME, hugeBase),
            Map.of(ImageSpec.BASE_NAME, hugeBase));

    // One byte every 50 ms: a manifest takes far longer than the review budget, yet every read
    // makes progress, so a per-read timeout alone never fires.
    trickling =
        hostile.putImage("slow/app", "1", List.of(hostile.emptyLayer()), Map.of(), Map.of());
    hostile.behave("slow/app", new HostileRegistry.Trickle(1, Duration.ofMillis(50)));
    // Cloud metadata reached directly, in the IPv6 forms that embed 169.254.169.254, and by a
    // registry's redirect: each must be refused before a connection is made.
    hostile.behave(
        "redirect/metadata-probe", new HostileRegistry.RedirectTo("https://169.254.169.254"));
    metadataProbes =
        List.of(
            "169.254.169.254/metadata-probe:1",
            "[::ffff:169.254.169.254]/metadata-probe:1",
            "[64:ff9b::a9fe:a9fe]/metadata-probe:1",
            hostile.hostPort() + "/redirect/metadata-probe:1");
    challenging = hostile.hostPort() + "/challenge/app:1";
    hostile.behave("challenge/app", new HostileRegistry.HugeChallenge(HUGE_CHALLENGE_BYTES));

    kube = KubeApiServer.start();
    kube.kubectl("apply", "-f", Checkout.crds().toString()).requireSuccess();
    Namespaces.create(kube, "tonnage");
    Namespaces.createForPods(kube, NAMESPACE);
    guardPolicy =
        policy(
            GUARD_POLICY,
            "Enforce",
            "Deny",
            List.of(registry.hostPort() + "/team/big:*"),
            "  limits: {maxCompressedSize: 1Mi}\n");
    apply(guardPolicy);
    // Every image is measured, so every registry a Pod names is contacted.
    apply(
        policy(
            "abuse-catch-all",
            "Warn",
            "Allow",
            List.of("**"),
            "  limits: {maxCompressedSize: 1Gi}\n"));
    apply(
        policy(
            "abuse-metadata-deny",
            "Enforce",
            "Deny",
            List.of("**/metadata-probe:*"),
            "  limits: {maxCompressedSize: 1Gi}\n"));
    apply(
        policy(
            "abuse-index-deny",
            "Enforce",
            "Deny",
            List.of(hostile.hostPort() + "/index/**"),
            "  limits: {maxCompressedSize: 1Gi}\n"));
    apply(
        policy(
            "abuse-uncompressed",
            "Enforce",
            "Deny",
            List.of(registry.hostPort() + "/team/honest:*", hostile.hostPort() + "/team/**"),
            "  limits: {maxUncompressedSize: 10Mi}\n"));
  }

  @AfterAll
  void stopComponents() {
    attackers.shutdownNow();
    for (AutoCloseable c : new AutoCloseable[] {shared, operator, kube, hostile, registry, work}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @BeforeEach
  void name(TestInfo test) {
    testName = test.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void stopOperator() {
    if (operator != null && operator != shared) {
      operator.close();
    }
  }

  @Test
  @Order(4)
  void aFiveKilobyteImageReferenceIsAnsweredWithAnAdmissionReviewNamingTheInvalidReference() {
    useSharedOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      String image = "registry.example/" + "a.".repeat(LONG_REFERENCE_CHARS / 2) + "a:1";
      String uid = UUID.randomUUID().toString();
      WebhookAnswer answer =
          webhook.validate(PodReview.create(uid, NAMESPACE, "long-reference", List.of(image)));
      soft.assertThat(answer.status())
          .as("HTTP status for a %d-char reference: %s", image.length(), answer)
          .isEqualTo(200);
      assertAnswer(soft, answer, "the long-reference review");
      soft.assertThat(answer.uid())
          .as("the answer echoes the request uid: %s", answer)
          .isEqualTo(uid);
      soft.assertThat(answer.userText())
          .as("the answer reports the reference as invalid: %s", answer)
          .containsIgnoringCase("reference");
      assertStillServing(soft, "after the long reference", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(5)
  void aBodyNestedAHundredThousandLevelsDeepIsRefusedWith400AsAnAdmissionReview() {
    useSharedOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      WebhookAnswer answer = webhook.validate(PodReview.nested(NESTING_DEPTH));
      soft.assertThat(answer.status())
          .as("HTTP status for a body nested %d deep: %s", NESTING_DEPTH, answer)
          .isEqualTo(400);
      assertAnswer(soft, answer, "the nested-body review");
      soft.assertThat(answer.reviewCode()).as("response.status.code: %s", answer).isEqualTo(400);
      assertStillServing(soft, "after the nested body", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(7)
  void metadataAddressesAreRefusedWhetherNamedDirectlyInIpv6FormsOrReachedByRedirect() {
    useSharedOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      for (String image : metadataProbes) {
        WebhookAnswer answer = webhook.validate(PodReview.create(NAMESPACE, "metadata", image));
        assertAnswer(soft, answer, "the review of " + image);
        soft.assertThat(answer.allowed())
            .as("onRegistryError Deny decides for %s: %s", image, answer)
            .isFalse();
        soft.assertThat(answer.userText())
            .as("the denial of %s names the refused metadata address: %s", image, answer)
            .contains("a link-local or cloud metadata address");
      }
      assertStillServing(soft, "after the metadata probes", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(8)
  void aOneMebibyteBaseImageNameIsAnsweredInTimeAndKeepsThePolicyStatusSmall() throws Exception {
    String policyName = "abuse-base-allowed";
    // Only this test's operator may audit the new policy: a status written by another would pass.
    stopSharedOperator();
    apply(
        policy(
            policyName,
            "Enforce",
            "Allow",
            List.of(hostile.hostPort() + "/base/**"),
            "  baseImages: {allowed: [\"docker.io/library/*a*a*a*b\"]}\n"));
    apply(pod("hostile-base", hostileBase));
    try {
      startFreshOperator();
      SoftAssertions soft = new SoftAssertions();
      try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
        WebhookAnswer answer =
            attackWhileTimingNormalReviews(
                soft, PodReview.create(NAMESPACE, "hostile-base", hostileBase), footprint);
        assertAnswer(soft, answer, "the review of an image with a 1 MiB base name");

        // Done when an audit that saw the Pod's image wrote its summary, or the audit failed.
        String audited = "";
        String reason = "";
        long deadline = System.nanoTime() + AUDIT_WAIT.toNanos();
        while (System.nanoTime() < deadline
            && (audited.isEmpty() || audited.equals("0"))
            && !reason.equals("AuditFailed")) {
          Thread.sleep(500);
          audited = policyField(policyName, "{.status.summary.images}");
          reason = policyField(policyName, "{.status.conditions[?(@.type==\"Ready\")].reason}");
        }
        int statusBytes =
            kube.kubectl("get", "clusterimagepolicy", policyName, "-o", "json")
                .requireSuccess()
                .stdout()
                .length();
        soft.assertThat(audited)
            .as(
                "images in status.summary of an audit that saw the Pod, within %s; Ready reason"
                    + " \"%s\"",
                AUDIT_WAIT, reason)
            .isEqualTo("1");
        soft.assertThat(reason)
            .as("the policy's Ready reason after the audit")
            .isNotEqualTo("AuditFailed");
        soft.assertThat((long) statusBytes)
            .as("kubectl get clusterimagepolicy %s -o json size in bytes", policyName)
            .isLessThan(MAX_STATUS_BYTES);
        assertStillServing(soft, "after the 1 MiB base name", footprint);
      }
      soft.assertAll();
    } finally {
      kube.kubectl("delete", "pod", "hostile-base", "-n", NAMESPACE, "--wait=false");
      kube.kubectl("delete", "clusterimagepolicy", policyName, "--wait=false");
    }
  }

  @Test
  @Order(9)
  void anIndexOfTwentyThousandEntriesGetsFactsUnavailableWithinBoundedThreadsAndMemory()
      throws Exception {
    startFreshOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      WebhookAnswer answer =
          attackWhileTimingNormalReviews(
              soft, PodReview.create(NAMESPACE, "huge-index", index), footprint);
      assertAnswer(soft, answer, "the review of a " + INDEX_ENTRIES + "-entry index");
      soft.assertThat(answer.allowed()).as("onRegistryError Deny decides: %s", answer).isFalse();
      soft.assertThat(answer.userText())
          .as("the denial says facts were unavailable and onRegistryError decided: %s", answer)
          .contains("onRegistryError");
      // Work a review started may go on after its answer: look again a little later.
      Thread.sleep(3000);
      assertStillServing(soft, "3 s after the index review", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(10)
  void aHundredSlowConnectionsTricklingLargeBodiesDoNotDelayAnHonestReview() throws Exception {
    startFreshOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      long started = System.nanoTime();
      try (TricklingClients slow =
          TricklingClients.open(
              tls, operator.webhookPort(), SLOW_CLIENTS, DECLARED_BODY_BYTES, 200)) {
        int round = 0;
        while (System.nanoTime() - started < TRICKLE_FOR.toNanos() && operator.isAlive()) {
          assertNormalReview(
              soft,
              "while "
                  + slow.open()
                  + " slow connections trickle ("
                  + slow.refused()
                  + " refused, "
                  + slow.closedByServer()
                  + " closed by the server; round "
                  + ++round
                  + ")");
          Thread.sleep(500);
        }
        soft.assertThat(operator.isAlive())
            .as("the operator is alive while slow connections trickle (an OOM exits it)")
            .isTrue();
        soft.assertThat(readyzOrMinusOne())
            .as("/readyz while slow connections trickle (-1: no answer)")
            .isEqualTo(200);
        ProcessFootprint peak = footprint.peak();
        soft.assertThat(peak.rssBytes())
            .as(
                "peak RSS with %d connections declaring %d bytes each (%s)",
                SLOW_CLIENTS, DECLARED_BODY_BYTES, peak)
            .isLessThan(memory.limitBytes());
      }
      assertStillServing(soft, "after the slow connections closed", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(3)
  void podsNamingThreeHundredRegistryHostsAddFewRegistryLabelValues() throws Exception {
    useSharedOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      List<Future<WebhookAnswer>> answers = new ArrayList<>();
      for (int pod = 0; pod < REGISTRY_HOSTS / HOSTS_PER_POD; pod++) {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < HOSTS_PER_POD; i++) {
          images.add("reg-" + (pod * HOSTS_PER_POD + i) + ".invalid/app:1");
        }
        byte[] review =
            PodReview.create(UUID.randomUUID().toString(), NAMESPACE, "hosts-" + pod, images);
        answers.add(attackers.submit(() -> webhook.validate(review)));
      }
      assertNormalReview(soft, "while " + REGISTRY_HOSTS + " hosts are reviewed");
      Duration slowest = Duration.ZERO;
      WebhookAnswer worst = null;
      for (Future<WebhookAnswer> future : answers) {
        WebhookAnswer answer = future.get(60, TimeUnit.SECONDS);
        if (!answer.isAdmissionReview() || worst == null || answer.took().compareTo(slowest) > 0) {
          slowest = answer.took();
          worst = answer;
        }
      }
      assertAnswer(soft, worst, "the slowest (or first non-AdmissionReview) of the host reviews");
      Set<String> registries = registryLabels(operator.scrape());
      soft.assertThat(registries)
          .as(
              "registry label values on tonnage_registry_requests_total (the local registry was contacted)")
          .contains(registry.hostPort());
      soft.assertThat(registries.size())
          .as(
              "distinct registry label values after Pods named %d hosts: %s",
              REGISTRY_HOSTS, abbreviate(registries))
          .isLessThanOrEqualTo(MAX_REGISTRY_LABELS);
      assertStillServing(soft, "after the host reviews", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(1)
  void aForgedGzipTrailerForASharedLayerDigestDoesNotChangeAnotherTeamsVerdict() {
    useSharedOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      WebhookAnswer forged = webhook.validate(PodReview.create(NAMESPACE, "forger", forger));
      assertAnswer(soft, forged, "the forger's review");
      // The honest image is reviewed for the first time after the forger: its facts come fresh.
      WebhookAnswer answer = webhook.validate(PodReview.create(NAMESPACE, "honest", honest));
      assertAnswer(soft, answer, "the honest team's review");
      soft.assertThat(answer.allowed())
          .as(
              "the honest image (true uncompressed size ~300 KiB, limit 10Mi) stays allowed after"
                  + " another registry forged its layer's trailer as %d bytes; forger got: %s; honest got: %s",
              FORGED_ISIZE, forged, answer)
          .isTrue();
      assertStillServing(soft, "after the forged trailer", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(6)
  void aRegistryThatTricklesOrSendsAHugeChallengeCostsAReviewNoMoreThanItsBudget() {
    useSharedOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      WebhookAnswer trickled = webhook.validate(PodReview.create(NAMESPACE, "trickled", trickling));
      assertAnswer(soft, trickled, "the review of an image whose registry trickles every answer");
      WebhookAnswer challenged =
          webhook.validate(PodReview.create(NAMESPACE, "challenged", challenging));
      assertAnswer(
          soft, challenged, "the review of an image whose registry sends a 1 MiB challenge");
      soft.assertThat(challenged.body().length())
          .as(
              "the answer does not echo the %d-byte challenge: %s",
              HUGE_CHALLENGE_BYTES, challenged)
          .isLessThan(MAX_ANSWER_CHARS);
      assertStillServing(soft, "after the trickling and challenging registries", footprint);
    }
    soft.assertAll();
  }

  @Test
  @Order(11)
  void readyzIsNot200BeforeTheWebhookPortAcceptsTls() throws Exception {
    stopSharedOperator();
    operator = operatorLaunch().awaitReady(false).start();
    webhook = new WebhookClient(tls, operator.webhookPort());
    long started = System.nanoTime();
    long firstReady = -1;
    long firstTls = -1;
    List<String> violations = new ArrayList<>();
    long deadline = started + STARTUP_WATCH.toNanos();
    // Until both /readyz and the TLS port have answered, then two more seconds of samples.
    while (System.nanoTime() < deadline
        && (firstReady < 0
            || firstTls < 0
            || System.nanoTime() - Math.max(firstReady, firstTls)
                < Duration.ofSeconds(2).toNanos())) {
      if (!operator.isAlive()) {
        break;
      }
      int ready = readyzOrMinusOne();
      long readyAt = System.nanoTime();
      // /readyz first, then the handshake: a failure after a 200 is a real contradiction.
      boolean tlsOk = tlsHandshake();
      if (tlsOk && firstTls < 0) {
        firstTls = System.nanoTime();
      }
      if (ready == 200) {
        if (firstReady < 0) {
          firstReady = readyAt;
        }
        if (!tlsOk) {
          violations.add("+" + (readyAt - started) / 1_000_000 + " ms");
        }
      }
      Thread.sleep(20);
    }
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(firstReady)
        .as("/readyz answered 200 within %s of process start", STARTUP_WATCH)
        .isPositive();
    soft.assertThat(violations)
        .as(
            "%d samples (first ones shown) where /readyz was 200 while a TLS handshake to the"
                + " webhook port failed (first 200"
                + " at +%d ms, first TLS handshake at +%d ms after start)",
            violations.size(),
            firstReady < 0 ? -1 : (firstReady - started) / 1_000_000,
            firstTls < 0 ? -1 : (firstTls - started) / 1_000_000)
        .isEmpty();
    if (violations.size() > 5) {
      violations.subList(5, violations.size()).clear();
    }
    if (operator.isAlive()) {
      // Untimed: the first review of the honest image fetches its facts; later ones are timed.
      webhook.validate(PodReview.create(NAMESPACE, "warm-up", small));
      try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
        assertStillServing(soft, "after start-up", footprint);
      }
    }
    soft.assertAll();
  }

  @Test
  @Order(2)
  void aPolicyEditThatFailsToCompileKeepsThePreviousVersionInForce() throws Exception {
    useSharedOperator();
    SoftAssertions soft = new SoftAssertions();
    try (FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
      // '***' passes the CRD schema (a string of at most 512 characters) but no glob compiles.
      apply(guardPolicy + "  exclude: {images: [\"ghcr.io/***\"]}\n");
      String reason = "";
      long deadline = System.nanoTime() + AUDIT_WAIT.toNanos();
      while (System.nanoTime() < deadline && !reason.equals("InvalidSpec")) {
        Thread.sleep(500);
        reason = policyField(GUARD_POLICY, "{.status.conditions[?(@.type==\"Ready\")].reason}");
      }
      // Give the admission side's policy cache the same moment to follow.
      Thread.sleep(2000);
      WebhookAnswer answer = webhook.validate(PodReview.create(NAMESPACE, "oversized", big));
      assertAnswer(soft, answer, "the review of the oversized image after the bad edit");
      soft.assertThat(answer.allowed())
          .as("the oversized image is still denied by the last good %s: %s", GUARD_POLICY, answer)
          .isFalse();
      soft.assertThat(
              policyField(GUARD_POLICY, "{.status.conditions[?(@.type==\"Ready\")].status}"))
          .as("Ready status of %s after the bad edit", GUARD_POLICY)
          .isEqualTo("False");
      soft.assertThat(reason)
          .as("Ready reason of %s within %s of the bad edit", GUARD_POLICY, AUDIT_WAIT)
          .isEqualTo("InvalidSpec");
      soft.assertThat(
              policyField(GUARD_POLICY, "{.status.conditions[?(@.type==\"Ready\")].message}"))
          .as("the Ready message names the field")
          .contains("spec.exclude.images");
      assertStillServing(soft, "after the bad edit", footprint);
    } finally {
      apply(guardPolicy);
    }
    soft.assertAll();
  }

  // ---- the operator under test ----

  private OperatorProcess.Builder operatorLaunch() {
    return OperatorProcess.builder(repo, kube)
        .logFile(work.path().resolve("operator-" + testName + ".log"))
        // The heap the chart gives the JVM, and the chart's exit on OOM: RSS is held to its limit.
        .jvmOptions(memory.maxHeapOption(), "-XX:+ExitOnOutOfMemoryError")
        .registerWebhooks(false)
        .stopGracePeriod(Duration.ofSeconds(5))
        .flags(
            "--tls-cert",
            work.path().resolve("tls.crt").toString(),
            "--tls-key",
            work.path().resolve("tls.key").toString(),
            "--insecure-registry",
            registry.hostPort(),
            "--ca-file",
            hostile.caFile().toString(),
            "--review-budget",
            REVIEW_BUDGET.toMillis() + "ms",
            "--audit-debounce",
            "1s",
            // A fresh operator per test: no Lease left by the previous one to wait out.
            "--no-leader-election");
  }

  /** The operator the single-request attacks share, started (again, if it died) on first use. */
  private void useSharedOperator() {
    if (shared == null || !shared.isAlive()) {
      if (shared != null) {
        shared.close();
      }
      startOperator();
      shared = operator;
    }
    operator = shared;
    webhook = new WebhookClient(tls, operator.webhookPort());
  }

  /** An operator for this test alone; the shared one stops first, so only this one audits. */
  private void startFreshOperator() {
    stopSharedOperator();
    startOperator();
  }

  private void stopSharedOperator() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  /** Starts an operator and waits until its policies bite and an honest review passes. */
  private void startOperator() {
    operator = operatorLaunch().start();
    webhook = new WebhookClient(tls, operator.webhookPort());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    WebhookAnswer probe;
    do {
      probe = webhook.validate(PodReview.create(NAMESPACE, "probe", big));
    } while (!(probe.isAdmissionReview()
            && !probe.allowed()
            && probe.userText().contains(GUARD_POLICY))
        && System.nanoTime() < deadline
        && sleep(250));
    if (probe.allowed() || !probe.userText().contains(GUARD_POLICY)) {
      throw new IllegalStateException(
          "the operator did not enforce "
              + GUARD_POLICY
              + " within 30 s of /readyz; last answer: "
              + probe);
    }
    // Warm-up: the honest image's facts are cached, so later honest reviews measure serving only.
    WebhookAnswer warm = webhook.validate(PodReview.create(NAMESPACE, "warm-up", small));
    if (!warm.isAdmissionReview() || !warm.allowed()) {
      throw new IllegalStateException("the honest warm-up review was not allowed: " + warm);
    }
  }

  // ---- checks every test makes ----

  /** The answer is a JSON AdmissionReview within {@link #ANSWER_MAX}. */
  private static void assertAnswer(SoftAssertions soft, WebhookAnswer answer, String what) {
    soft.assertThat(answer.isAdmissionReview())
        .as(
            "%s is a JSON AdmissionReview (not an HTML page or a dropped connection): %s",
            what, answer)
        .isTrue();
    soft.assertThat(answer.took()).as("time %s took: %s", what, answer).isLessThan(ANSWER_MAX);
  }

  /** An honest review (the small image, facts cached) is allowed within a second. */
  private void assertNormalReview(SoftAssertions soft, String when) {
    WebhookAnswer answer = webhook.validate(PodReview.create(NAMESPACE, "honest-review", small));
    soft.assertThat(answer.isAdmissionReview() && answer.allowed())
        .as("%s: an honest review is an allowing AdmissionReview: %s", when, answer)
        .isTrue();
    soft.assertThat(answer.took())
        .as("%s: an honest review is answered within %s: %s", when, NORMAL_REVIEW_MAX, answer)
        .isLessThan(NORMAL_REVIEW_MAX);
  }

  /** Alive, /readyz 200, an honest review in time, and the peak footprint within bounds. */
  private void assertStillServing(SoftAssertions soft, String when, FootprintSampler footprint) {
    ProcessFootprint peak = footprint.peak();
    soft.assertThat(operator.isAlive())
        .as("%s: the operator process is alive (an OOM exits it); peak %s", when, peak)
        .isTrue();
    if (!operator.isAlive()) {
      return;
    }
    int ready = readyzOrMinusOne();
    soft.assertThat(ready)
        .as("%s: /readyz status (-1: no answer within %s)", when, NORMAL_REVIEW_MAX)
        .isEqualTo(200);
    assertNormalReview(soft, when);
    soft.assertThat(peak.threads())
        .as(
            "%s: peak thread count of the operator (Threads: in /proc/%d/status)",
            when, operator.pid())
        .isLessThan(MAX_THREADS);
    soft.assertThat(peak.rssBytes())
        .as(
            "%s: peak RSS of the operator (%s) vs the chart's memory limit %d MiB",
            when, peak, memory.limitBytes() >> 20)
        .isLessThan(memory.limitBytes());
  }

  /**
   * Sends {@code review} on another thread and, while it is unanswered (at most three times, half a
   * second apart), times an honest review; returns the attack's answer.
   */
  private WebhookAnswer attackWhileTimingNormalReviews(
      SoftAssertions soft, byte[] review, FootprintSampler footprint) throws Exception {
    CompletableFuture<WebhookAnswer> attack =
        CompletableFuture.supplyAsync(() -> webhook.validate(review), attackers);
    for (int i = 0; i < 3 && !attack.isDone(); i++) {
      Thread.sleep(500);
      assertNormalReview(soft, "during the attack (" + (i + 1) + ")");
      soft.assertThat(readyzOrMinusOne())
          .as("/readyz during the attack (%d), %s", i + 1, footprint.peak())
          .isEqualTo(200);
    }
    return attack.get(30, TimeUnit.SECONDS);
  }

  private int readyzOrMinusOne() {
    try {
      return operator.readyz(NORMAL_REVIEW_MAX);
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private boolean tlsHandshake() {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", operator.webhookPort()), 500);
      socket.setSoTimeout(1000);
      socket.startHandshake();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // ---- cluster objects ----

  private void apply(String yaml) {
    kube.apply(yaml).requireSuccess();
  }

  private String policyField(String name, String jsonpath) {
    return kube.kubectl("get", "clusterimagepolicy", name, "-o", "jsonpath=" + jsonpath)
        .stdout()
        .trim();
  }

  private static String policy(
      String name, String action, String onRegistryError, List<String> images, String more) {
    StringBuilder yaml =
        new StringBuilder("apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n")
            .append("metadata: {name: ")
            .append(name)
            .append("}\nspec:\n  action: ")
            .append(action)
            .append("\n  onRegistryError: ")
            .append(onRegistryError)
            .append("\n  match: {images: [");
    for (int i = 0; i < images.size(); i++) {
      yaml.append(i == 0 ? "" : ", ").append('"').append(images.get(i)).append('"');
    }
    return yaml.append("]}\n").append(more).toString();
  }

  private static String pod(String name, String image) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: "
        + name
        + ", namespace: "
        + NAMESPACE
        + "}\nspec:\n  automountServiceAccountToken: false\n"
        + "  containers: [{name: main, image: \""
        + image
        + "\"}]\n";
  }

  private static ImageSpec randomLayer(String path, int bytes, long seed) {
    return ImageSpec.builder()
        .layer(
            LayerSpec.gzip(TarArchive.builder().randomFile(path, bytes, seed).build()),
            "COPY " + path + " /")
        .build();
  }

  /** The values of the registry label on tonnage_registry_requests_total. */
  private static Set<String> registryLabels(String metrics) {
    Set<String> values = new TreeSet<>();
    for (String line : metrics.split("\n")) {
      if (!line.startsWith("tonnage_registry_requests_total{")) {
        continue;
      }
      int at = line.indexOf("registry=\"");
      if (at >= 0) {
        int start = at + "registry=\"".length();
        values.add(line.substring(start, line.indexOf('"', start)));
      }
    }
    return values;
  }

  private static String abbreviate(Set<String> values) {
    List<String> list = new ArrayList<>(values);
    return list.size() <= 8
        ? list.toString()
        : list.subList(0, 8) + " ... (" + list.size() + " in all)";
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
