package dev.tonnage.cli;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.RegistryException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    mixinStandardHelpOptions = true,
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
      description = "Image references, e.g. nginx:1.27")
  List<String> images;

  @Override
  public Integer call() throws Exception {
    CliLogging.toStderr(verbose);
    Platform wanted = platform.equalsIgnoreCase("all") ? null : Platform.parse(platform);
    List<ImageReference> refs = new ArrayList<>();
    for (String image : images) {
      refs.add(ImageReference.parse(image));
    }
    RegistryCredentials credentials =
        registryOptions.credentials(parent.environment(), parent.home());
    InspectRequest request =
        new InspectRequest(
            credentials, Instant.now().plus(registryOptions.timeout()), uncompressed, List.of());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<ImageFacts> shown = new ArrayList<>();
    boolean failed = false;
    try (RegistryClient client = new RegistryClient(registryOptions.clientConfig())) {
      List<CompletableFuture<ImageFacts>> pending = new ArrayList<>();
      for (ImageReference ref : refs) {
        pending.add(client.inspect(ref, request));
      }
      for (int i = 0; i < refs.size(); i++) {
        try {
          ImageFacts facts = select(pending.get(i).join(), wanted);
          shown.add(facts);
          if (output == OutputFormat.TEXT) {
            if (shown.size() > 1) {
              out.println();
            }
            out.print(FactsText.render(facts, facts.platforms(), uncompressed));
          }
        } catch (CompletionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          if (!(cause instanceof RegistryException)) {
            throw e;
          }
          err.println("tonnage: " + TonnageCommand.oneLine(cause));
          failed = true;
        } catch (PlatformMissingException e) {
          err.println("tonnage: " + e.getMessage());
          failed = true;
        }
      }
    }
    if (output == OutputFormat.JSON && !shown.isEmpty()) {
      out.println(FactsJson.write(refs.size() == 1 ? shown.get(0) : shown));
    }
    out.flush();
    return failed ? TonnageCommand.EXIT_ERROR : 0;
  }

  /** The asked-for platform does not exist in an image. */
  private static final class PlatformMissingException extends Exception {
    PlatformMissingException(String message) {
      super(message);
    }
  }

  private static ImageFacts select(ImageFacts facts, Platform wanted)
      throws PlatformMissingException {
    if (wanted == null) {
      return facts;
    }
    List<PlatformFacts> matching =
        facts.platforms().stream().filter(p -> p.platform().equals(wanted)).toList();
    if (matching.isEmpty()) {
      throw new PlatformMissingException(
          facts.reference()
              + " has no platform "
              + wanted
              + "; it has "
              + facts.platforms().stream()
                  .map(p -> p.platform().toString())
                  .collect(Collectors.joining(", ")));
    }
    return new ImageFacts(facts.reference(), facts.digest(), facts.mediaType(), matching);
  }
}
