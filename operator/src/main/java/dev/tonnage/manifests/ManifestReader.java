package dev.tonnage.manifests;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads Kubernetes manifests as {@code kubectl apply -f} does: a file of one or more YAML or JSON
 * documents ({@code ---}), a directory standing for its {@code .yaml}, {@code .yml} and {@code
 * .json} files (not its subdirectories) in name order, or {@value #STDIN} for standard input (what
 * {@code helm template} or {@code kustomize build} print). {@code kind: List} and other {@code
 * *List} documents stand for their items.
 *
 * <p>Manifests are outside input: each source is capped at {@value #MAX_SOURCE_BYTES} bytes, all
 * sources together at {@value #MAX_OBJECTS} objects, and nesting at {@value #MAX_NESTING_DEPTH}
 * levels. YAML aliases are refused rather than expanded (no alias bomb can grow), and documents
 * become plain trees: no type is ever constructed from a tag.
 */
public final class ManifestReader {

  /** The argument that stands for standard input. */
  public static final String STDIN = "-";

  /** How findings name standard input. */
  public static final String STDIN_NAME = "<stdin>";

  /** A source larger than this is refused rather than read. */
  public static final int MAX_SOURCE_BYTES = 16 * 1024 * 1024;

  /** Objects read from all sources together, List items included. */
  public static final int MAX_OBJECTS = 10_000;

  /** Deeper than any Kubernetes object needs; CRD schemas included. */
  public static final int MAX_NESTING_DEPTH = 100;

  private static final ObjectMapper MAPPER = mapper();

  private final InputStream stdin;

  /** A reader that takes {@value #STDIN} to mean {@code stdin}. */
  public ManifestReader(InputStream stdin) {
    this.stdin = stdin;
  }

  /**
   * The objects of every argument, in order; what cannot be read is added to {@code problems}, each
   * naming the source and, when known, the line.
   */
  public List<ManifestObject> read(List<Path> arguments, List<String> problems) {
    List<ManifestObject> objects = new ArrayList<>();
    boolean stdinRead = false;
    for (Path argument : arguments) {
      if (argument.toString().equals(STDIN)) {
        if (stdinRead) {
          problems.add("-f -: standard input can be read only once");
          continue;
        }
        stdinRead = true;
        parse(STDIN_NAME, bytes(STDIN_NAME, stdin, problems), objects, problems);
      } else if (Files.isDirectory(argument)) {
        for (Path file : ManifestFiles.in(argument, "manifest", problems)) {
          parse(file.toString(), bytes(file, problems), objects, problems);
        }
      } else {
        parse(argument.toString(), bytes(argument, problems), objects, problems);
      }
    }
    return objects;
  }

  private static byte[] bytes(Path file, List<String> problems) {
    try (InputStream in = Files.newInputStream(file)) {
      return bytes(file.toString(), in, problems);
    } catch (NoSuchFileException e) {
      problems.add(file + ": no such file or directory");
    } catch (IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
    }
    return null;
  }

  private static byte[] bytes(String source, InputStream in, List<String> problems) {
    try {
      byte[] bytes = in.readNBytes(MAX_SOURCE_BYTES + 1);
      if (bytes.length > MAX_SOURCE_BYTES) {
        problems.add(
            source
                + ": is larger than "
                + MAX_SOURCE_BYTES / (1024 * 1024)
                + " MiB; split the manifests into several files");
        return null;
      }
      return bytes;
    } catch (IOException e) {
      problems.add(source + ": cannot be read: " + e.getMessage());
      return null;
    }
  }

  private static void parse(
      String source, byte[] bytes, List<ManifestObject> objects, List<String> problems) {
    if (bytes == null) {
      return;
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      problems.add(source + ": is not UTF-8 text");
      return;
    }
    int document = 0;
    try (JsonParser parser = new AliasRefusingParser(MAPPER.getFactory().createParser(text));
        MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(parser)) {
      while (it.hasNextValue()) {
        JsonLocation start = parser.currentTokenLocation();
        JsonNode node = it.nextValue();
        document++;
        if (node != null && node.isObject()) {
          if (!add(new ManifestObject(source, document, start.getLineNr(), node), objects)) {
            problems.add(
                source
                    + ":"
                    + start.getLineNr()
                    + ": more than "
                    + MAX_OBJECTS
                    + " objects in all; check fewer manifests at a time");
            return;
          }
        } else if (node != null && !node.isNull() && !node.isMissingNode() && !isEmpty(node)) {
          problems.add(
              source + ":" + start.getLineNr() + ": expected a Kubernetes object (a mapping)");
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.add(
          source
              + (at == null ? "" : ":" + at.getLineNr())
              + ": not valid YAML: "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException | RuntimeException e) {
      // SnakeYAML reports its own limits (code points, nesting) as unchecked exceptions.
      problems.add(source + ": not valid YAML: " + firstLine(e.getMessage()));
    }
  }

  /**
   * Adds {@code object}, or the items of a List; false when that would pass {@link #MAX_OBJECTS}.
   */
  private static boolean add(ManifestObject object, List<ManifestObject> objects) {
    JsonNode items = object.node().path("items");
    if (object.kind().endsWith("List") && items.isArray()) {
      for (JsonNode item : items) {
        if (item.isObject()
            && !add(
                new ManifestObject(object.source(), object.document(), object.line(), item),
                objects)) {
          return false;
        }
      }
      return true;
    }
    if (objects.size() == MAX_OBJECTS) {
      return false;
    }
    objects.add(object);
    return true;
  }

  private static boolean isEmpty(JsonNode node) {
    return node.isTextual() && node.asText().isEmpty();
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  private static ObjectMapper mapper() {
    LoaderOptions loader = new LoaderOptions();
    loader.setCodePointLimit(MAX_SOURCE_BYTES);
    loader.setNestingDepthLimit(MAX_NESTING_DEPTH);
    loader.setMaxAliasesForCollections(0);
    loader.setAllowDuplicateKeys(false);
    return YAMLMapper.builder(
            YAMLFactory.builder()
                .loaderOptions(loader)
                .streamReadConstraints(
                    StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxDocumentLength(MAX_SOURCE_BYTES)
                        .maxStringLength(MAX_SOURCE_BYTES)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build())
        .build();
  }

  /**
   * Refuses YAML aliases ({@code *name}): Jackson would read one as its anchor's name, a silent
   * misreading; expanding them is how alias bombs grow.
   */
  private static final class AliasRefusingParser extends JsonParserDelegate {

    AliasRefusingParser(JsonParser parser) {
      super(parser);
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken token = super.nextToken();
      refuseAlias();
      return token;
    }

    @Override
    public String nextFieldName() throws IOException {
      String name = super.nextFieldName();
      refuseAlias();
      return name;
    }

    private void refuseAlias() throws JsonParseException {
      if (delegate instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
        throw new JsonParseException(
            this,
            "a YAML alias is not expanded; expand anchors and aliases first"
                + " (e.g. yq 'explode(.)')");
      }
    }
  }
}
