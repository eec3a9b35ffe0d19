package dev.tonnage.cli;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.LocalImages;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryCredentials;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tonnage inspect}: measures images straight from their registries and prints their facts
 * per platform. Exit 0 when every image was measured, 2 otherwise (one line per failure).
 */
@Command(
    name = "inspect",
    addMethodSubcommands = false,
    mixinStandardHelpOptions = true,
    versionProvider = TonnageCommand.Version.class,
    description = {
      "Measure images from their registries without pulling them: compressed (and, with"
          + " --uncompressed, uncompressed) size, layers with the step that made each, base"
          + " image, per platform.",
      "Credentials come from docker config.json (see --docker-config)."
    })
final class InspectCommand implements Callable<Integer> {

  @ParentCommand TonnageCommand parent;

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registryOptions;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]|all",
      defaultValue = "all",
      description =
          "Show only this platform of a multi-platform image (default: ${DEFAULT-VALUE}).")
  String platform;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "text|json",
      defaultValue = "text",
      description =
          "text (default) or json: the facts object, an array of them for several images.")
  OutputFormat output;

  @Option(
      names = "--uncompressed",
      description =
          "Also read uncompressed layer sizes (one small Range request per layer; gzip sizes are"
              + " exact only below 4 GiB).")
  boolean uncompressed;

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

  @Override
  public Integer call() throws Exception {
    CliLogging.toStderr(verbose);
    Platform wanted = platform.equalsIgnoreCase("all") ? null : Platform.parse(platform);
    List<ImageReference> refs = new ArrayList<>();
    LocalImages locals = new LocalImages();
    for (String image : images) {
      refs.add(locals.reference(image));
    }
    RegistryCredentials credentials =
        registryOptions.credentials(parent.environment(), parent.home());
    List<InspectionNeed> needs = new ArrayList<>();
    for (ImageReference ref : refs) {
      needs.add(new InspectionNeed(ref, uncompressed, List.of()));
    }
    Instant deadline = Instant.now().plus(registryOptions.timeout());
    Map<ImageReference, FactsOutcome> outcomes;
    try (RegistryClient client =
        new RegistryClient(registryOptions.clientConfig(parent.environment()))) {
      outcomes =
          CheckCommand.facts(locals.inspector(client)).facts(needs, credentials, deadline).join();
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<ImageFacts> shown = new ArrayList<>();
    boolean failed = false;
    for (ImageReference ref : refs) {
      try {
        ImageFacts facts = select(outcomes.get(ref), wanted);
        shown.add(facts);
        if (output == OutputFormat.TEXT) {
          if (shown.size() > 1) {
            out.println();
          }
          out.print(FactsText.render(facts, facts.platforms(), uncompressed));
        }
      } catch (NotShownException e) {
        err.println("tonnage: " + TonnageCommand.oneLine(e));
        failed = true;
      }
    }
    if (output == OutputFormat.JSON && !shown.isEmpty()) {
      out.println(FactsJson.write(refs.size() == 1 ? shown.get(0) : shown));
    }
    out.flush();
    return failed ? TonnageCommand.EXIT_ERROR : 0;
  }

  /** The facts of an image could not be had, or lack the asked-for platform. */
  private static final class NotShownException extends Exception {
    NotShownException(String message) {
      super(message);
    }
  }

  private static ImageFacts select(FactsOutcome outcome, Platform wanted) throws NotShownException {
    if (outcome instanceof FactsOutcome.Unavailable missing) {
      throw new NotShownException(missing.message());
    }
    ImageFacts facts = ((FactsOutcome.Found) outcome).facts();
    if (wanted == null) {
      return facts;
    }
    List<PlatformFacts> matching =
        facts.platforms().stream().filter(p -> p.platform().equals(wanted)).toList();
    if (matching.isEmpty()) {
      throw new NotShownException(
          facts.reference()
              + " has no platform "
              + wanted
              + "; it has "
              + facts.platforms().stream()
                  .map(p -> p.platform().toString())
                  .collect(Collectors.joining(", ")));
    }
    return facts.withPlatforms(matching);
  }
}
