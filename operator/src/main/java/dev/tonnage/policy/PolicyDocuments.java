package dev.tonnage.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tonnage.api.v1alpha1.ApiGroup;
import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicyException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads policies from YAML in the form of the custom resources (several documents, both kinds), as
 * {@code tonnage check} and the tests do. Stricter than the API server only where it would be
 * silent: unknown fields and duplicate keys are errors rather than pruned.
 */
public final class PolicyDocuments {

  private static final ObjectMapper MAPPER = mapper();
  private static final String GROUP_PREFIX = ApiGroup.GROUP + "/";

  /** A document with more unreadable fields than this is reported only this far. */
  static final int MAX_FIELD_PROBLEMS = 20;

  private PolicyDocuments() {}

  /**
   * Every policy in {@code yaml}, compiled. Throws {@link InvalidPolicyException} whose problems
   * each name the source, the line of the document, the policy, the field path and the reason.
   *
   * @param source what the text came from, e.g. a file name, for messages
   * @param yaml one or more YAML documents of kind ClusterImagePolicy or ImagePolicy
   */
  public static List<CompiledPolicy> parse(String source, String yaml) {
    return parse(source, yaml, false);
  }

  /**
   * Every policy in {@code yaml}, compiled, like {@link #parse(String, String)}; with {@code
   * othersAllowed} documents of other API groups (a Namespace, a Deployment beside the policies in
   * a directory) are passed over, and a text with none of the policies' holds none.
   */
  public static List<CompiledPolicy> parse(String source, String yaml, boolean othersAllowed) {
    List<CompiledPolicy> policies = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Document doc : documents(source, yaml, problems, POLICY_KINDS, othersAllowed)) {
      if (othersAllowed && !isPolicy(doc.node())) {
        continue;
      }
      policy(source + ":" + doc.line() + ": ", doc.node(), problems).ifPresent(policies::add);
    }
    if (!problems.isEmpty()) {
      throw new InvalidPolicyException(source, problems);
    }
    return policies;
  }

  /**
   * The policy of one document already read (a manifest given to {@code tonnage check -f}),
   * compiled; empty with its problems added to {@code problems}, each starting with {@code where}.
   */
  public static Optional<CompiledPolicy> policy(
      String where, JsonNode node, List<String> problems) {
    List<String> unreadable = new ArrayList<>();
    HasMetadata resource = resource(node, where, problems, POLICY_KINDS, unreadable);
    if (resource == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          resource instanceof ImagePolicy p
              ? CompiledPolicy.compile(p)
              : CompiledPolicy.compile((ClusterImagePolicy) resource));
    } catch (InvalidPolicyException e) {
      for (String problem : e.problems()) {
        // A field already reported as unreadable was left out: its absence is no new problem.
        if (unreadable.stream().noneMatch(path -> within(problem, path))) {
          problems.add(where + e.subject() + ": " + problem);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Every ImagePolicyException in {@code yaml}, compiled, as {@code tonnage check --exception}
   * reads them; problems are reported as by {@link #parse}.
   */
  public static List<CompiledException> parseExceptions(String source, String yaml) {
    List<CompiledException> exceptions = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Document doc : documents(source, yaml, problems, EXCEPTION_KINDS, false)) {
      exception(source + ":" + doc.line() + ": ", doc.node(), problems).ifPresent(exceptions::add);
    }
    if (!problems.isEmpty()) {
      throw new InvalidPolicyException(source, problems);
    }
    return exceptions;
  }

  /**
   * The ImagePolicyException of one document already read, compiled; empty with its problems added
   * to {@code problems}, each starting with {@code where}.
   */
  public static Optional<CompiledException> exception(
      String where, JsonNode node, List<String> problems) {
    HasMetadata resource = resource(node, where, problems, EXCEPTION_KINDS, new ArrayList<>());
    if (resource == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(CompiledException.compile((ImagePolicyException) resource));
    } catch (InvalidPolicyException e) {
      e.problems().forEach(problem -> problems.add(where + e.subject() + ": " + problem));
      return Optional.empty();
    }
  }

  /** Whether {@code node} claims to be an ImagePolicyException: the API group and the kind. */
  public static boolean isException(JsonNode node) {
    return node.path("apiVersion").asText("").startsWith(GROUP_PREFIX)
        && ImagePolicyException.KIND.equals(node.path("kind").asText(""));
  }

  /** The kinds one kind of file may hold, and how messages name them. */
  private record Kinds(
      Map<String, Class<? extends HasMetadata>> types, String noun, String expected) {}

  private static final Kinds POLICY_KINDS =
      new Kinds(
          Map.of(
              ClusterImagePolicy.KIND, ClusterImagePolicy.class,
              ImagePolicy.KIND, ImagePolicy.class),
          "policy",
          "ClusterImagePolicy or ImagePolicy");

  private static final Kinds EXCEPTION_KINDS =
      new Kinds(
          Map.of(ImagePolicyException.KIND, ImagePolicyException.class),
          "exception",
          "ImagePolicyException");

  private record Document(int line, JsonNode node) {}

  /**
   * Whether {@code node} claims to be a policy: the policies' API group and one of their kinds. In
   * a directory everything else (a Namespace, an ImagePolicyException) is passed over, as kubectl
   * passes over what it is not asked about.
   */
  public static boolean isPolicy(JsonNode node) {
    return node.path("apiVersion").asText("").startsWith(GROUP_PREFIX)
        && POLICY_KINDS.types().containsKey(node.path("kind").asText(""));
  }

  private static List<Document> documents(
      String source, String yaml, List<String> problems, Kinds kinds, boolean othersAllowed) {
    List<Document> docs = new ArrayList<>();
    try (JsonParser parser = MAPPER.getFactory().createParser(yaml);
        MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(parser)) {
      while (it.hasNextValue()) {
        JsonLocation start = parser.currentTokenLocation();
        JsonNode node = it.nextValue();
        // Empty documents (only comments, or a trailing ---) are no policies.
        boolean empty =
            node == null
                || node.isMissingNode()
                || node.isNull()
                || (node.isTextual() && node.asText().isEmpty());
        if (!empty) {
          docs.add(new Document(start.getLineNr(), node));
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.add(
          source
              + (at == null ? "" : ":" + at.getLineNr())
              + ": not valid YAML: "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      problems.add(source + ": cannot be read: " + e.getMessage());
    }
    if (docs.isEmpty() && problems.isEmpty() && !othersAllowed) {
      problems.add(source + ": holds no " + kinds.noun() + "; expected " + kinds.expected());
    }
    return docs;
  }

  /** Whether {@code problem} is about {@code path} or a field below it. */
  private static boolean within(String problem, String path) {
    return path.equals("(document)")
        || (problem.startsWith(path)
            && problem.length() > path.length()
            && ":.[".indexOf(problem.charAt(path.length())) >= 0);
  }

  /**
   * The resource of {@code node}. A field that cannot be read is reported and left out, and the
   * rest read again, so every such field of a document is reported at once (up to {@value
   * #MAX_FIELD_PROBLEMS}); {@code unreadable} gets their paths. Null when the document is no policy
   * at all.
   */
  private static HasMetadata resource(
      JsonNode node, String where, List<String> problems, Kinds kinds, List<String> unreadable) {
    if (!node.isObject()) {
      problems.add(where + "expected a " + kinds.expected() + " mapping");
      return null;
    }
    String kind = node.path("kind").asText("");
    String apiVersion = node.path("apiVersion").asText("");
    Class<? extends HasMetadata> type = kinds.types().get(kind);
    if (type == null) {
      problems.add(
          where
              + "kind: \""
              + kind
              + "\" is not a Tonnage "
              + kinds.noun()
              + "; use "
              + kinds.expected());
      return null;
    }
    // A string, as the API server requires: a number or mapping here would be left out below as an
    // unreadable field, and the policy would go on without a name.
    JsonNode nameNode = node.path("metadata").path("name");
    String name = nameNode.isTextual() ? nameNode.asText() : "";
    String subject = kind + (name.isEmpty() ? "" : " " + name);
    if (!ApiGroup.API_VERSION.equals(apiVersion)) {
      problems.add(
          where + subject + ": apiVersion: \"" + apiVersion + "\" is not " + ApiGroup.API_VERSION);
      return null;
    }
    if (name.isEmpty()) {
      problems.add(
          where
              + subject
              + ": metadata.name: "
              + (nameNode.isMissingNode() || nameNode.isNull() || nameNode.isTextual()
                  ? "is required"
                  : "must be a string"));
      return null;
    }
    // apiVersion and kind are checked above and fixed by the class: leave them out of the mapping.
    ObjectNode fields = ((ObjectNode) node).deepCopy();
    fields.remove(List.of("apiVersion", "kind"));
    for (int found = 0; found <= MAX_FIELD_PROBLEMS; found++) {
      try {
        return MAPPER.treeToValue(fields, type);
      } catch (JsonMappingException e) {
        if (found == MAX_FIELD_PROBLEMS) {
          problems.add(where + subject + ": more fields cannot be read; fix the above first");
          return null;
        }
        problems.add(where + subject + ": " + describe(e));
        List<JsonMappingException.Reference> field = fieldOf(e.getPath());
        if (!leaveOut(fields, field)) {
          return null;
        }
        unreadable.add(path(field));
      } catch (JsonProcessingException | IllegalArgumentException e) {
        problems.add(where + subject + ": " + e.getMessage());
        return null;
      }
    }
    return null;
  }

  /**
   * The field {@code path} is in: a list entry stands for its whole list, since removing one entry
   * would shift the indexes of the entries after it.
   */
  private static List<JsonMappingException.Reference> fieldOf(
      List<JsonMappingException.Reference> path) {
    int end = path.size();
    while (end > 0 && path.get(end - 1).getFieldName() == null) {
      end--;
    }
    return path.subList(0, end);
  }

  /** Removes the field at {@code path} from {@code root}; false when there is none to remove. */
  private static boolean leaveOut(JsonNode root, List<JsonMappingException.Reference> path) {
    if (path.isEmpty()) {
      return false;
    }
    JsonNode parent = root;
    for (JsonMappingException.Reference ref : path.subList(0, path.size() - 1)) {
      parent =
          ref.getFieldName() != null ? parent.get(ref.getFieldName()) : parent.get(ref.getIndex());
      if (parent == null) {
        return false;
      }
    }
    String name = path.get(path.size() - 1).getFieldName();
    return parent instanceof ObjectNode object && object.remove(name) != null;
  }

  /** {@code spec.limits.maxLayers: expected an integer} and the like. */
  private static String describe(JsonMappingException e) {
    String path = path(e.getPath());
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      return path
          + ": unknown field"
          + (known == null
              ? ""
              : "; known fields here: "
                  + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() != null) {
      Object value = f.getValue();
      String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
      return path + ": " + shown + " is not " + expected(f.getTargetType());
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return path + ": expected " + expected(m.getTargetType());
    }
    return path + ": " + e.getOriginalMessage().lines().findFirst().orElse("invalid");
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : references) {
      if (ref.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "(document)" : sb.toString();
  }

  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> MAPPER.convertValue(c, String.class))
              .sorted()
              .collect(Collectors.joining(", "));
    }
    if (type == String.class) {
      return "a string (quote numbers, e.g. \"1000000\")";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return Map.class.isAssignableFrom(type) ? "a mapping of strings" : "a mapping";
  }

  private static ObjectMapper mapper() {
    YAMLMapper mapper =
        YAMLMapper.builder(
                YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // The API server refuses 30 for a string field and "30" for an integer one: so do we.
    for (LogicalType type :
        List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Boolean)) {
      for (CoercionInputShape shape :
          List.of(
              CoercionInputShape.Integer,
              CoercionInputShape.Float,
              CoercionInputShape.Boolean,
              CoercionInputShape.String)) {
        mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
      }
    }
    return mapper;
  }
}
