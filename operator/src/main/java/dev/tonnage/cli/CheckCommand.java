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
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 * (policies whose selectors need labels are listed as skipped).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Check images against ClusterImagePolicy and ImagePolicy files, as the admission webhook"
          + " would, without a cluster.",
      "Each image is checked bare, with no namespace and no labels: every policy that could"
          + " apply to it does. An ImagePolicy applies whatever its namespace;"
          + " namespaceSelector, objectSelector and exclude.namespaces are not evaluated;"
          + " match.images and exclude.images are."
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
      required = true,
      paramLabel = "FILE|DIR",
      description =
          "YAML file of ClusterImagePolicy and ImagePolicy documents, as applied to a cluster,"
              + " or a directory of them (its .yaml, .yml and .json files; other kinds in it are"
              + " passed over) (repeatable).")
  List<Path> policyFiles;

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
      arity = "1..*",
      description =
          "Image references, e.g. nginx:1.27, or images not pushed yet: oci:DIR[:TAG],"
              + " oci-archive:FILE[:TAG], docker-archive:FILE")
  List<String> images;

  /** What {@code --max-stream} allows unless told otherwise. */
  static final String DEFAULT_MAX_STREAM = "2Gi";

  private final ImageInspector inspector;

  /**
   * WIRING: the constructor picocli uses: facts come from a {@link RegistryClient} configured by
   * the registry options (credentials from docker config.json, {@code --timeout} for the run).
   */
  public CheckCommand() {
    this.inspector = null;
  }

  /** A check that measures images with {@code inspector}, anonymously (tests, embedders). */
  public CheckCommand(ImageInspector inspector) {
    this.inspector = inspector;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = new ArrayList<>();
    PlatformConstraints constraints = constraints(problems);
    List<CompiledPolicy> policies = PolicyFiles.load(policyFiles, problems);
    exceptions = new ExceptionMatcher(exceptions(problems), Clock.systemUTC());
    List<ImageReference> refs = references(problems);
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("tonnage check: " + p));
      err.flush();
      return CheckReport.EXIT_ERROR;
    }
    List<WorkloadContext> contexts = new ArrayList<>();
    List<InspectionNeed> needs = new ArrayList<>();
    for (String image : images) {
      WorkloadContext context = WorkloadContext.forImage(locals.judgedAs(image), constraints);
      contexts.add(context);
      needs.addAll(PolicyEvaluator.imagesToInspect(policies, context));
    }
    Instant deadline = Instant.now().plus(registryOptions.timeout());
    if (inspector != null) {
      Map<ImageReference, FactsOutcome> outcomes =
          facts(locals.inspector(inspector))
              .facts(needs, RegistryCredentials.anonymous(), deadline)
              .join();
      noteStale(outcomes, err);
      return report(judge(policies, refs, contexts, outcomes), List.of());
    }
    CliLogging.toStderr(verbose);
    RegistryCredentials credentials =
        registryOptions.credentials(parent.environment(), parent.home());
    try (RegistryClient client =
        new RegistryClient(registryOptions.clientConfig(parent.environment()))) {
      FactsService facts = facts(locals.inspector(client));
      Map<ImageReference, FactsOutcome> outcomes = facts.facts(needs, credentials, deadline).join();
      noteStale(outcomes, err);
      List<CheckReport.ImageResult> results = judge(policies, refs, contexts, outcomes);
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
      return report(judge(policies, refs, contexts, settled.facts()), settled.unsettled());
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
      List<ImageReference> refs,
      List<WorkloadContext> contexts,
      Map<ImageReference, FactsOutcome> outcomes) {
    List<CheckReport.ImageResult> results = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      ImageReference ref = refs.get(i);
      FactsOutcome outcome = outcomes.get(ref);
      Evaluation evaluation =
          PolicyEvaluator.evaluate(
              policies, contexts.get(i), r -> r.equals(ref) ? outcome : null, exceptions);
      results.add(
          new CheckReport.ImageResult(
              images.get(i),
              // a local image is shown as the file it was named by, not its stand-in
              LocalImage.parse(images.get(i)).isPresent() ? images.get(i) : ref.toString(),
              outcome instanceof FactsOutcome.Found found ? found.facts().digest() : null,
              outcome instanceof FactsOutcome.Unavailable missing ? missing : null,
              evaluation));
    }
    return results;
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
