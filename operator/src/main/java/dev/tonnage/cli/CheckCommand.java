package dev.tonnage.cli;

import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.ImageFactsSource;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.policy.InvalidPolicyException;
import dev.tonnage.policy.PlatformConstraints;
import dev.tonnage.policy.PolicyDocuments;
import dev.tonnage.policy.PolicyEvaluator;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
      "2:usage error, invalid policy file, or an image's facts could not be read"
    })
public final class CheckCommand implements Callable<Integer> {

  @ParentCommand TonnageCommand parent;

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registryOptions;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description =
          "YAML file of ClusterImagePolicy and ImagePolicy documents, as applied to a cluster"
              + " (repeatable).")
  List<Path> policyFiles;

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
      paramLabel = "text|json",
      defaultValue = "text",
      description = "text (default) or json: the verdicts per image.")
  OutputFormat output;

  @Option(
      names = {"-v", "--verbose"},
      description =
          "Log every registry request (method, URL without query, status, time) to stderr.")
  boolean verbose;

  @Parameters(
      paramLabel = "IMAGE",
      arity = "1..*",
      description = "Image references, e.g. nginx:1.27")
  List<String> images;

  private final ImageFactsSource source;

  /**
   * WIRING: the constructor picocli uses: facts come from a {@link RegistryClient} configured by
   * the registry options (credentials from docker config.json, {@code --timeout} for the run).
   */
  public CheckCommand() {
    this.source = null;
  }

  /** A check that reads image facts from {@code source} (tests, embedders). */
  public CheckCommand(ImageFactsSource source) {
    this.source = source;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = new ArrayList<>();
    PlatformConstraints constraints = constraints(problems);
    List<CompiledPolicy> policies = policies(problems);
    List<ImageReference> refs = references(problems);
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("tonnage check: " + p));
      err.flush();
      return CheckReport.EXIT_ERROR;
    }
    if (source != null) {
      return check(source, policies, refs, constraints);
    }
    CliLogging.toStderr(verbose);
    InspectRequest request =
        new InspectRequest(
            registryOptions.credentials(parent.environment(), parent.home()),
            Instant.now().plus(registryOptions.timeout()),
            false,
            List.of());
    try (RegistryClient client = new RegistryClient(registryOptions.clientConfig())) {
      ImageFactsSource registry =
          need ->
              client.inspect(
                  need.reference(),
                  request
                      .withUncompressed(need.uncompressedSize())
                      .withCandidateBases(need.baseImageCandidates()));
      return check(registry, policies, refs, constraints);
    }
  }

  private int check(
      ImageFactsSource facts,
      List<CompiledPolicy> policies,
      List<ImageReference> refs,
      PlatformConstraints constraints) {
    List<WorkloadContext> contexts = new ArrayList<>();
    Map<ImageReference, CompletableFuture<ImageFacts>> fetches = new HashMap<>();
    for (String image : images) {
      WorkloadContext context = WorkloadContext.forImage(image, constraints);
      contexts.add(context);
      for (InspectionNeed need : PolicyEvaluator.imagesToInspect(policies, context)) {
        fetches.computeIfAbsent(need.reference(), r -> fetch(facts, need));
      }
    }
    List<CheckReport.ImageResult> results = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      ImageReference ref = refs.get(i);
      CompletableFuture<ImageFacts> fetch = fetches.get(ref);
      FactsOutcome outcome = fetch == null ? null : outcome(fetch);
      Evaluation evaluation =
          PolicyEvaluator.evaluate(policies, contexts.get(i), r -> r.equals(ref) ? outcome : null);
      results.add(
          new CheckReport.ImageResult(
              images.get(i),
              ref.toString(),
              outcome instanceof FactsOutcome.Found found ? found.facts().digest() : null,
              outcome instanceof FactsOutcome.Unavailable missing ? missing : null,
              evaluation));
    }
    CheckReport report = new CheckReport(results);
    PrintWriter out = spec.commandLine().getOut();
    out.print(output == OutputFormat.JSON ? report.json() : report.text());
    out.flush();
    return report.exitCode();
  }

  private static CompletableFuture<ImageFacts> fetch(ImageFactsSource facts, InspectionNeed need) {
    try {
      return facts.inspect(need);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static FactsOutcome outcome(CompletableFuture<ImageFacts> fetch) {
    try {
      return new FactsOutcome.Found(fetch.join());
    } catch (CompletionException | CancellationException e) {
      return FactsOutcome.failed(e);
    }
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

  private List<CompiledPolicy> policies(List<String> problems) {
    List<CompiledPolicy> policies = new ArrayList<>();
    for (Path file : policyFiles) {
      try {
        policies.addAll(PolicyDocuments.parse(file.toString(), Files.readString(file)));
      } catch (InvalidPolicyException e) {
        problems.addAll(e.problems());
      } catch (MalformedInputException e) {
        problems.add(file + ": is not UTF-8 text");
      } catch (NoSuchFileException e) {
        problems.add(file + ": no such file");
      } catch (IOException e) {
        problems.add(file + ": cannot be read: " + e.getMessage());
      }
    }
    return policies;
  }

  private List<ImageReference> references(List<String> problems) {
    List<ImageReference> refs = new ArrayList<>();
    for (String image : images) {
      try {
        refs.add(ImageReference.parse(image));
      } catch (InvalidReferenceException e) {
        problems.add(e.getMessage());
      }
    }
    return refs;
  }
}
