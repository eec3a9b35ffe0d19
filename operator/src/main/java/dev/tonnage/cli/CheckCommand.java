package dev.tonnage.cli;

import dev.tonnage.facts.FactsService;
import dev.tonnage.policy.CompiledException;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.ExceptionMatcher;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.policy.InvalidPolicyException;
import dev.tonnage.policy.PlatformConstraints;
import dev.tonnage.policy.PolicyDocuments;
import dev.tonnage.policy.PolicyEvaluator;
import dev.tonnage.policy.PreviousImages;
import dev.tonnage.policy.SkippedPolicy;
import dev.tonnage.policy.StaleWarning;
import dev.tonnage.policy.Violation;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.LocalImage;
import dev.tonnage.registry.LocalImages;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tonnage check}: measures images and decides on them with the same evaluator as the
 * admission webhook and the audit, against policies read from files. An image is checked as a bare
 * workload: no namespace (every ImagePolicy applies, whatever its namespace) and no labels
 * (policies whose selectors need labels are listed as skipped). The containers of {@code -f}
 * manifests are checked in their workloads' context instead, as the webhook would review them
 * ({@link ManifestInputs}).
 */
@Command(
    name = "check",
    addMethodSubcommands = false,
    mixinStandardHelpOptions = true,
    versionProvider = TonnageCommand.Version.class,
    description = {
      "Check images against ClusterImagePolicy and ImagePolicy files, as the admission webhook"
          + " would, without a cluster.",
      "Each IMAGE argument is checked bare, with no namespace and no labels: every policy"
          + " that could apply to it does. An ImagePolicy applies whatever its namespace;"
          + " namespaceSelector, objectSelector and exclude.namespaces are not evaluated;"
          + " match.images and exclude.images are.",
      "With -f, Kubernetes manifests are checked as the webhook would review them: every"
          + " container of every workload, in its namespace, by its namespace's labels, its own"
          + " labels and the platforms its nodeSelector and affinity allow."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every image is within every Enforce and Warn policy",
      "1:an image violates an Enforce or Warn policy",
      "2:usage error, invalid policy file, or an image's facts could not be read",
      "3:an Enforce or Warn verdict stayed uncertain (a layer could not be streamed within"
          + " --max-stream or --timeout)"
    })
public final class CheckCommand implements Callable<Integer> {

  @ParentCommand TonnageCommand parent;

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registryOptions;

  @Option(
      names = "--policy",
      paramLabel = "FILE|DIR",
      description =
          "YAML file of ClusterImagePolicy and ImagePolicy documents, as applied to a cluster,"
              + " or a directory of them (its .yaml, .yml and .json files; other kinds in it are"
              + " passed over) (repeatable). Required unless --max-growth is given or the -f"
              + " manifests hold policies.")
  List<Path> policyFiles = new ArrayList<>();

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE|DIR|-",
      description =
          "Kubernetes manifests to check as the admission webhook would review them: a YAML or"
              + " JSON file of one or more documents, a directory (its .yaml, .yml and .json"
              + " files, not subdirectories) or - for standard input, e.g. helm template or"
              + " kustomize build output (repeatable). Every container of every Pod, Deployment,"
              + " ReplicaSet, StatefulSet, DaemonSet, Job, CronJob and ReplicationController is"
              + " checked; policies, exceptions and Namespaces among them count.")
  List<Path> manifestFiles = new ArrayList<>();

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      defaultValue = "default",
      description = "Namespace of the -f objects that name none (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--namespace-labels",
      split = ",",
      paramLabel = "KEY=VALUE",
      description =
          "Labels of every namespace of the -f objects that no Namespace object describes,"
              + " for namespaceSelectors (comma-separated or repeatable).")
  Map<String, String> namespaceLabels = new LinkedHashMap<>();

  @Option(
      names = "--namespaces",
      paramLabel = "FILE",
      description =
          "YAML file of Namespace objects (e.g. kubectl get ns -o yaml) whose labels the -f"
              + " objects are judged by (repeatable).")
  List<Path> namespaceFiles = new ArrayList<>();

  @Option(
      names = "--baseline",
      paramLabel = "REF",
      description =
          "The image each IMAGE replaces, e.g. the release in production: spec.limits.maxGrowth"
              + " of the policies, and --max-growth, judge each IMAGE's growth over it, per"
              + " platform both offer, as the webhook does on UPDATE.")
  String baseline;

  @Option(
      names = "--max-growth",
      paramLabel = "PERCENT|BYTES",
      description =
          "Fail when an IMAGE's compressed size grew over --baseline's by more than this, e.g."
              + " 10%% or 50Mi: an Enforce policy named "
              + GROWTH_POLICY
              + " checking only that.")
  String maxGrowth;

  @Option(
      names = "--exception",
      paramLabel = "FILE",
      description =
          "YAML file of ImagePolicyException documents, applied as the webhook applies them"
              + " (repeatable). Every exception given is trusted, whatever its namespace; expiry"
              + " counts.")
  List<Path> exceptionFiles = new ArrayList<>();

  private ExceptionMatcher exceptions = ExceptionMatcher.NONE;

  /** The images of this run that are local files, under their stand-in references. */
  private final LocalImages locals = new LocalImages();

  @Option(
      names = "--platform",
      split = ",",
      paramLabel = "OS/ARCH|all",
      description =
          "Check only these platforms, as if the Pod's nodeSelector asked for them"
              + " (repeatable or comma-separated; default: all the image offers). A policy's own"
              + " spec.platforms still wins.")
  List<String> platforms = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (default), json, sarif (SARIF 2.1.0), junit (JUnit XML), markdown (a table for"
              + " pull-request comments) or github (workflow command annotations). Every format"
              + " but text puts nothing else on stdout.")
  CheckFormat output;

  @Option(
      names = "--max-stream",
      paramLabel = "BYTES",
      defaultValue = DEFAULT_MAX_STREAM,
      converter = ByteQuantityConverter.class,
      description =
          "Compressed bytes the check may stream to settle uncertain uncompressed sizes (gzip"
              + " trailers that wrap past 4 GiB, zstd frames without a size), e.g. 500Mi; 0"
              + " streams nothing (default: ${DEFAULT-VALUE}).")
  long maxStream;

  @Option(
      names = {"-v", "--verbose"},
      description =
          "Log every registry request (method, URL without query, status, time) to stderr.")
  boolean verbose;

  @Parameters(
      paramLabel = "IMAGE",
      arity = "0..*",
      description =
          "Image references, e.g. nginx:1.27, or images not pushed yet: oci:DIR[:TAG],"
              + " oci-archive:FILE[:TAG], docker-archive:FILE (at least one, or -f manifests)")
  List<String> images = new ArrayList<>();

  /** The name of the policy {@code --max-growth} stands for, as reports show it. */
  static final String GROWTH_POLICY = "max-growth";

  /** What {@code --max-stream} allows unless told otherwise. */
  static final String DEFAULT_MAX_STREAM = "2Gi";

  private final ImageInspector inspector;

  private final InputStream stdin;

  /**
   * WIRING: the constructor picocli uses: facts come from a {@link RegistryClient} configured by
   * the registry options (credentials from docker config.json, {@code --timeout} for the run).
   */
  public CheckCommand() {
    this.inspector = null;
    this.stdin = System.in;
  }

  /** A check that measures images with {@code inspector}, anonymously (tests, embedders). */
  public CheckCommand(ImageInspector inspector) {
    this(inspector, System.in);
  }

  /** As {@link #CheckCommand(ImageInspector)}, reading {@code -f -} from {@code stdin}. */
  public CheckCommand(ImageInspector inspector, InputStream stdin) {
    this.inspector = inspector;
    this.stdin = stdin;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = new ArrayList<>();
    PlatformConstraints constraints = constraints(problems);
    BaselineOptions growth = BaselineOptions.of(baseline, maxGrowth, GROWTH_POLICY, problems);
    List<CompiledPolicy> policies =
        new ArrayList<>(growth.addTo(PolicyFiles.load(policyFiles, problems)));
    List<CompiledException> exceptionList = exceptions(problems);
    List<ImageReference> refs = references(problems);
    ManifestInputs.Found manifests = manifests(problems);
    policies.addAll(manifests.policies());
    exceptionList.addAll(manifests.exceptions());
    exceptions = new ExceptionMatcher(exceptionList, Clock.systemUTC());
    usage(policies, problems);
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("tonnage check: " + p));
      err.flush();
      return CheckReport.EXIT_ERROR;
    }
    List<CheckSubject> subjects = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      String image = images.get(i);
      subjects.add(
          new CheckSubject(
              image,
              refs.get(i),
              WorkloadContext.forImage(locals.judgedAs(image), constraints),
              null,
              null));
    }
    subjects.addAll(manifests.subjects());
    List<InspectionNeed> needs = new ArrayList<>();
    for (CheckSubject subject : subjects) {
      if (subject.exempt() == null) {
        needs.addAll(
            PolicyEvaluator.imagesToInspect(
                policies, subject.context(), previous(subject, growth)));
      }
    }
    Instant deadline = Instant.now().plus(registryOptions.timeout());
    if (inspector != null) {
      Map<ImageReference, FactsOutcome> outcomes =
          facts(locals.inspector(inspector))
              .facts(needs, RegistryCredentials.anonymous(), deadline)
              .join();
      noteStale(outcomes, err);
      if (growth.unavailable(outcomes, err)) {
        return CheckReport.EXIT_ERROR;
      }
      return report(judge(policies, subjects, outcomes, growth), List.of());
    }
    CliLogging.toStderr(verbose);
    RegistryCredentials credentials =
        registryOptions.credentials(parent.environment(), parent.home());
    try (RegistryClient client =
        new RegistryClient(registryOptions.clientConfig(parent.environment()))) {
      FactsService facts = facts(locals.inspector(client));
      Map<ImageReference, FactsOutcome> outcomes = facts.facts(needs, credentials, deadline).join();
      noteStale(outcomes, err);
      if (growth.unavailable(outcomes, err)) {
        return CheckReport.EXIT_ERROR;
      }
      List<CheckReport.ImageResult> results = judge(policies, subjects, outcomes, growth);
      List<Violation> uncertain = CheckReport.uncertainViolations(results);
      if (uncertain.isEmpty()) {
        return report(results, List.of());
      }
      InspectRequest streaming = new InspectRequest(credentials, deadline, false, List.of());
      UncertainSettlement.Result settled =
          new UncertainSettlement(
                  (image, layer) ->
                      client.streamUncompressedSize(image, layer, streaming, maxStream),
                  maxStream)
              .settle(
                  uncertain,
                  outcomes,
                  again ->
                      facts
                          .facts(
                              needs.stream().filter(n -> again.contains(n.reference())).toList(),
                              credentials,
                              deadline)
                          .join(),
                  deadline);
      return report(judge(policies, subjects, settled.facts(), growth), settled.unsettled());
    }
  }

  /** A note on stderr per image whose facts are the last known ones (stale-if-error). */
  private static void noteStale(Map<ImageReference, FactsOutcome> outcomes, PrintWriter err) {
    StaleWarning.of(outcomes.values()).forEach(line -> err.println("tonnage check: note: " + line));
    err.flush();
  }

  /** The facts path of a CLI run: as many images as one run may name. */
  static FactsService facts(ImageInspector inspector) {
    return new FactsService(inspector, Clock.systemUTC(), FactsService.MAX_IMAGES_PER_RUN);
  }

  private List<CheckReport.ImageResult> judge(
      List<CompiledPolicy> policies,
      List<CheckSubject> subjects,
      Map<ImageReference, FactsOutcome> outcomes,
      BaselineOptions growth) {
    List<CheckReport.ImageResult> results = new ArrayList<>();
    for (CheckSubject subject : subjects) {
      ImageReference ref = subject.reference();
      FactsOutcome outcome = subject.exempt() == null ? outcomes.get(ref) : null;
      Evaluation evaluation =
          subject.exempt() != null
              ? new Evaluation(
                  List.of(),
                  policies.stream().map(p -> new SkippedPolicy(p.ref(), subject.exempt())).toList())
              : PolicyEvaluator.evaluate(
                  policies,
                  subject.context(),
                  r -> r.equals(ref) ? outcome : growth.factsOf(r, outcomes),
                  exceptions,
                  previous(subject, growth));
      results.add(
          new CheckReport.ImageResult(
              subject.image(),
              // a local image is shown as the file it was named by, not its stand-in
              LocalImage.parse(subject.image()).isPresent() ? subject.image() : ref.toString(),
              outcome instanceof FactsOutcome.Found found ? found.facts().digest() : null,
              outcome instanceof FactsOutcome.Unavailable missing ? missing : null,
              evaluation,
              subject.location()));
    }
    return results;
  }

  private ManifestInputs.Found manifests(List<String> problems) {
    if (manifestFiles.isEmpty()) {
      if (!namespaceFiles.isEmpty() || !namespaceLabels.isEmpty()) {
        problems.add("--namespaces and --namespace-labels apply to -f manifests; give some");
      }
      return ManifestInputs.Found.NONE;
    }
    return ManifestInputs.load(
        new ManifestInputs.Request(manifestFiles, namespaceFiles, namespaceLabels, namespace),
        stdin,
        problems);
  }

  /** Something to check and something to check it against. */
  private void usage(List<CompiledPolicy> policies, List<String> problems) {
    if (images.isEmpty() && manifestFiles.isEmpty()) {
      problems.add("give IMAGE arguments, -f manifests, or both");
    } else if (policies.isEmpty() && problems.isEmpty()) {
      problems.add(
          "no policy to check with: give --policy FILE|DIR, --baseline with --max-growth, or"
              + " ClusterImagePolicy or ImagePolicy objects in the -f manifests");
    }
  }

  /** The baseline stands for what an IMAGE argument replaces; a manifest's container has none. */
  private static PreviousImages previous(CheckSubject subject, BaselineOptions growth) {
    return subject.location() == null ? growth.previous() : PreviousImages.NONE;
  }

  private int report(List<CheckReport.ImageResult> results, List<String> unsettled) {
    CheckReport report = new CheckReport(results, unsettled);
    PrintWriter out = spec.commandLine().getOut();
    out.print(output.render(report));
    out.flush();
    return report.exitCode();
  }

  private PlatformConstraints constraints(List<String> problems) {
    List<Platform> wanted = new ArrayList<>();
    for (String text : platforms) {
      if (text.equalsIgnoreCase("all")) {
        return PlatformConstraints.NONE;
      }
      try {
        wanted.add(Platform.parse(text));
      } catch (IllegalArgumentException e) {
        problems.add("--platform: " + e.getMessage());
      }
    }
    return PlatformConstraints.forPlatforms(wanted);
  }

  private List<CompiledException> exceptions(List<String> problems) {
    List<CompiledException> compiled = new ArrayList<>();
    for (Path file : exceptionFiles) {
      try {
        compiled.addAll(PolicyDocuments.parseExceptions(file.toString(), Files.readString(file)));
      } catch (InvalidPolicyException e) {
        problems.addAll(e.problems());
      } catch (IOException e) {
        problems.add(file + ": cannot be read: " + e);
      }
    }
    return compiled;
  }

  private List<ImageReference> references(List<String> problems) {
    List<ImageReference> refs = new ArrayList<>();
    for (String image : images) {
      try {
        refs.add(locals.reference(image));
      } catch (InvalidReferenceException e) {
        problems.add(e.getMessage());
      }
    }
    return refs;
  }
}
