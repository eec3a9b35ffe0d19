package dev.tonnage.cli;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.ImageDiff;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryCredentials;
import java.io.PrintWriter;
import java.time.Instant;
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
 * {@code tonnage diff OLD NEW}: how an image changed, per platform both offer. Information only:
 * exit 0 whatever the change (gating growth is {@code tonnage check --baseline}'s job), 2 when an
 * image cannot be measured.
 */
@Command(
    name = "diff",
    addMethodSubcommands = false,
    mixinStandardHelpOptions = true,
    versionProvider = TonnageCommand.Version.class,
    description = {
      "Show how image NEW changed from image OLD, per platform both offer: compressed and"
          + " uncompressed size, layer count, each layer by position and digest (shared,"
          + " replaced, added, removed), and the build steps that were added or grew.",
      "Platforms only one image offers are named. The diff is information: it exits 0"
          + " whatever it shows; use tonnage check --baseline OLD --max-growth to gate."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the diff was printed", "2:usage error, or an image could not be measured"})
final class DiffCommand implements Callable<Integer> {

  @ParentCommand TonnageCommand parent;

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registryOptions;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (default), json, or markdown (a table for pull-request comments). json and"
              + " markdown put nothing else on stdout.")
  DiffFormat output;

  @Option(
      names = {"-v", "--verbose"},
      description =
          "Log every registry request (method, URL without query, status, time) to stderr.")
  boolean verbose;

  @Parameters(index = "0", paramLabel = "OLD", description = "The image before, e.g. app:1.4")
  String before;

  @Parameters(index = "1", paramLabel = "NEW", description = "The image after, e.g. app:1.5")
  String after;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ImageReference old;
    ImageReference now;
    try {
      old = ImageReference.parse(before);
      now = ImageReference.parse(after);
    } catch (InvalidReferenceException e) {
      err.println("tonnage diff: " + e.getMessage());
      err.flush();
      return TonnageCommand.EXIT_ERROR;
    }
    CliLogging.toStderr(verbose);
    RegistryCredentials credentials =
        registryOptions.credentials(parent.environment(), parent.home());
    List<InspectionNeed> needs =
        List.of(new InspectionNeed(old, true, List.of()), new InspectionNeed(now, true, List.of()));
    Instant deadline = Instant.now().plus(registryOptions.timeout());
    Map<ImageReference, FactsOutcome> outcomes;
    try (RegistryClient client = new RegistryClient(registryOptions.clientConfig())) {
      outcomes = CheckCommand.facts(client).facts(needs, credentials, deadline).join();
    }
    boolean failed = false;
    for (ImageReference ref : List.of(old, now)) {
      if (outcomes.get(ref) instanceof FactsOutcome.Unavailable missing) {
        err.println("tonnage diff: " + missing.message());
        failed = true;
      }
    }
    if (failed) {
      err.flush();
      return TonnageCommand.EXIT_ERROR;
    }
    ImageDiff diff =
        ImageDiff.of(
            ((FactsOutcome.Found) outcomes.get(old)).facts(),
            ((FactsOutcome.Found) outcomes.get(now)).facts());
    PrintWriter out = spec.commandLine().getOut();
    out.print(output.render(new DiffReport(diff)));
    out.flush();
    return 0;
  }
}
