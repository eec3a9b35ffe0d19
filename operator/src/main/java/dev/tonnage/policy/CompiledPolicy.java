package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.BaseImageRules;
import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.PolicyExclude;
import dev.tonnage.api.v1alpha1.PolicyMatch;
import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import dev.tonnage.api.v1alpha1.SizeLimits;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.Platform;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A policy spec compiled once: globs to matchers, quantities to bytes, selectors to predicates,
 * defaults applied. Compiling refuses what the CRD schema would refuse, so a policy file that
 * {@code tonnage check} accepts is one the API server accepts too.
 */
public final class CompiledPolicy {

  private static final Pattern PLATFORM = Pattern.compile(ImagePolicySpec.PLATFORM_PATTERN);

  /** os/arch/variant names are short (linux/arm64/v8); the cap bounds the check before it runs. */
  static final int MAX_PLATFORM_LENGTH = 64;

  private final PolicyRef ref;
  private final PolicyAction action;
  private final RegistryErrorAction onRegistryError;
  private final boolean annotate;
  private final LabelSelectorMatcher namespaceSelector;
  private final LabelSelectorMatcher objectSelector;
  private final List<ImageGlob> images;
  private final Set<String> excludedNamespaces;
  private final List<ImageGlob> excludedImages;
  private final ByteLimit maxCompressedSize;
  private final ByteLimit maxUncompressedSize;
  private final Integer maxLayers;
  private final ByteLimit maxLayerSize;
  private final GrowthLimit maxGrowth;
  private final List<ImageGlob> allowedBases;
  private final List<ImageGlob> deniedBases;
  private final boolean requireKnownBase;
  private final List<Platform> platforms;
  private final List<ImageReference> baseImageCandidates;

  /**
   * A byte limit and the quantity it was written as.
   *
   * @param bytes the limit in bytes
   * @param written the quantity as in the spec, e.g. 500Mi
   */
  record ByteLimit(long bytes, String written) {
    /** Human units, with the written form when it is a decimal one: {@code 476.8 MiB (500M)}. */
    String display() {
      String human = ByteSize.format(bytes);
      return written.endsWith("i") || written.equals(String.valueOf(bytes))
          ? human
          : human + " (" + written + ")";
    }
  }

  private CompiledPolicy(PolicyRef ref, ImagePolicySpec spec, List<String> problems) {
    this.ref = ref;
    this.action = spec.getAction() == null ? PolicyAction.WARN : spec.getAction();
    this.onRegistryError =
        spec.getOnRegistryError() == null ? RegistryErrorAction.ALLOW : spec.getOnRegistryError();
    this.annotate = Boolean.TRUE.equals(spec.getAnnotate());

    PolicyMatch match = spec.getMatch() == null ? new PolicyMatch() : spec.getMatch();
    if (match.getNamespaceSelector() != null && ref.kind() == PolicyKind.IMAGE_POLICY) {
      problems.add(
          "spec.match.namespaceSelector: only a ClusterImagePolicy selects namespaces;"
              + " an ImagePolicy applies in its own namespace: remove the field or use a"
              + " ClusterImagePolicy");
    }
    this.namespaceSelector =
        LabelSelectorMatcher.compile(
            match.getNamespaceSelector(), "spec.match.namespaceSelector", problems);
    this.objectSelector =
        LabelSelectorMatcher.compile(
            match.getObjectSelector(), "spec.match.objectSelector", problems);
    this.images = globs(match.getImages(), "spec.match.images", problems);

    PolicyExclude exclude = spec.getExclude() == null ? new PolicyExclude() : spec.getExclude();
    this.excludedNamespaces =
        namespaces(exclude.getNamespaces(), "spec.exclude.namespaces", problems);
    this.excludedImages = globs(exclude.getImages(), "spec.exclude.images", problems);

    SizeLimits limits = spec.getLimits() == null ? new SizeLimits() : spec.getLimits();
    this.maxCompressedSize =
        byteLimit(limits.getMaxCompressedSize(), "spec.limits.maxCompressedSize", problems);
    this.maxUncompressedSize =
        byteLimit(limits.getMaxUncompressedSize(), "spec.limits.maxUncompressedSize", problems);
    this.maxLayerSize = byteLimit(limits.getMaxLayerSize(), "spec.limits.maxLayerSize", problems);
    this.maxLayers = limits.getMaxLayers();
    this.maxGrowth = growthLimit(limits.getMaxGrowth(), problems);
    if (maxLayers != null && maxLayers < 0) {
      problems.add("spec.limits.maxLayers: " + maxLayers + " is negative; use 0 or more");
    }

    BaseImageRules bases =
        spec.getBaseImages() == null ? new BaseImageRules() : spec.getBaseImages();
    this.allowedBases = globs(bases.getAllowed(), "spec.baseImages.allowed", problems);
    this.deniedBases = globs(bases.getDenied(), "spec.baseImages.denied", problems);
    this.requireKnownBase = Boolean.TRUE.equals(bases.getRequireKnownBase());

    this.platforms = platforms(spec.getPlatforms(), problems);
    this.baseImageCandidates = literalReferences(concat(allowedBases, deniedBases));
  }

  /** Compiles a ClusterImagePolicy; throws {@link InvalidPolicyException} listing every problem. */
  public static CompiledPolicy compile(ClusterImagePolicy policy) {
    return compile(PolicyRef.cluster(policy.getMetadata().getName()), policy.getSpec());
  }

  /** Compiles an ImagePolicy; throws {@link InvalidPolicyException} listing every problem. */
  public static CompiledPolicy compile(ImagePolicy policy) {
    return compile(
        PolicyRef.namespaced(policy.getMetadata().getNamespace(), policy.getMetadata().getName()),
        policy.getSpec());
  }

  /**
   * Compiles {@code spec} as the policy {@code ref}; throws {@link InvalidPolicyException} listing
   * every problem, each starting with its field path.
   */
  public static CompiledPolicy compile(PolicyRef ref, ImagePolicySpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      throw new InvalidPolicyException(ref.toString(), List.of("spec: is required"));
    }
    CompiledPolicy compiled = new CompiledPolicy(ref, spec, problems);
    if (!problems.isEmpty()) {
      throw new InvalidPolicyException(ref.toString(), problems);
    }
    return compiled;
  }

  public PolicyRef ref() {
    return ref;
  }

  public PolicyAction action() {
    return action;
  }

  public RegistryErrorAction onRegistryError() {
    return onRegistryError;
  }

  /** Whether measured sizes are to be recorded as annotations at admission. */
  public boolean annotate() {
    return annotate;
  }

  /** The explicit platforms to check; empty: the Pod's, else all of the image's. */
  public List<Platform> platforms() {
    return platforms;
  }

  /** The rules this policy checks (spec.limits and spec.baseImages that are set). */
  public Set<Rule> rules() {
    Set<Rule> rules = EnumSet.noneOf(Rule.class);
    addIf(rules, maxCompressedSize != null, Rule.MAX_COMPRESSED_SIZE);
    addIf(rules, maxUncompressedSize != null, Rule.MAX_UNCOMPRESSED_SIZE);
    addIf(rules, maxLayers != null, Rule.MAX_LAYERS);
    addIf(rules, maxLayerSize != null, Rule.MAX_LAYER_SIZE);
    addIf(rules, maxGrowth != null, Rule.MAX_GROWTH);
    addIf(rules, !deniedBases.isEmpty(), Rule.BASE_IMAGE_DENIED);
    addIf(rules, !allowedBases.isEmpty(), Rule.BASE_IMAGE_NOT_ALLOWED);
    addIf(rules, requireKnownBase, Rule.BASE_IMAGE_UNKNOWN);
    return rules;
  }

  private static void addIf(Set<Rule> rules, boolean set, Rule rule) {
    if (set) {
      rules.add(rule);
    }
  }

  /** Whether a limit needs uncompressed sizes, which cost the registry extra requests. */
  public boolean needsUncompressedSize() {
    return maxUncompressedSize != null;
  }

  /**
   * The base images this policy names exactly (no wildcard, with a tag or digest): candidates for
   * detecting a base by layer prefix when the image does not record its base.
   */
  public List<ImageReference> baseImageCandidates() {
    return baseImageCandidates;
  }

  /**
   * Whether the policy is in force where the workload is: an ImagePolicy only in its namespace. A
   * bare image ({@link WorkloadContext#isBareImage}) is in every policy's reach.
   */
  boolean coversNamespaceOf(WorkloadContext context) {
    return ref.kind() != PolicyKind.IMAGE_POLICY
        || context.isBareImage()
        || ref.namespace() == null
        || ref.namespace().equals(context.namespace());
  }

  /**
   * Whether spec.match.namespaceSelector selects a namespace with {@code labels} (always, without a
   * selector).
   */
  public boolean selectsNamespace(Map<String, String> labels) {
    return namespaceSelector.matches(labels);
  }

  /**
   * Why this policy, in force in the workload's namespace, does not apply to the workload; empty
   * when it does (its images still have to match {@link #matchesImage}). A bare image has no
   * namespace and no labels to select by: only its reference decides.
   */
  Optional<String> skipReason(WorkloadContext context) {
    if (context.isBareImage()) {
      return Optional.empty();
    }
    if (excludedNamespaces.contains(context.namespace())) {
      return Optional.of("namespace " + context.namespace() + " is in spec.exclude.namespaces");
    }
    if (!namespaceSelector.matches(context.namespaceLabels())) {
      return Optional.of(
          "spec.match.namespaceSelector does not match namespace " + context.namespace());
    }
    if (!objectSelector.matches(context.labels())) {
      return Optional.of(
          "spec.match.objectSelector does not match the labels of "
              + context.kind()
              + " "
              + context.name());
    }
    return Optional.empty();
  }

  /** Whether the policy covers {@code normalizedReference}: in match.images, not excluded. */
  boolean matchesImage(String normalizedReference) {
    boolean included =
        images.isEmpty() || images.stream().anyMatch(g -> g.matches(normalizedReference));
    return included && excludedImages.stream().noneMatch(g -> g.matches(normalizedReference));
  }

  ByteLimit maxCompressedSize() {
    return maxCompressedSize;
  }

  ByteLimit maxUncompressedSize() {
    return maxUncompressedSize;
  }

  OptionalInt maxLayers() {
    return maxLayers == null ? OptionalInt.empty() : OptionalInt.of(maxLayers);
  }

  ByteLimit maxLayerSize() {
    return maxLayerSize;
  }

  /** spec.limits.maxGrowth, or null. */
  GrowthLimit maxGrowth() {
    return maxGrowth;
  }

  List<ImageGlob> allowedBases() {
    return allowedBases;
  }

  List<ImageGlob> deniedBases() {
    return deniedBases;
  }

  boolean requireKnownBase() {
    return requireKnownBase;
  }

  @Override
  public String toString() {
    return ref.toString();
  }

  static List<ImageGlob> globs(List<String> patterns, String path, List<String> problems) {
    List<ImageGlob> result = new ArrayList<>();
    if (patterns == null) {
      return result;
    }
    tooMany(patterns, ImagePolicySpec.MAX_PATTERNS, path, problems);
    for (int i = 0; i < patterns.size(); i++) {
      String pattern = patterns.get(i);
      if (pattern != null && pattern.length() > ImagePolicySpec.MAX_PATTERN_LENGTH) {
        problems.add(
            path
                + "["
                + i
                + "]: is "
                + pattern.length()
                + " characters long; at most "
                + ImagePolicySpec.MAX_PATTERN_LENGTH
                + " are allowed");
        continue;
      }
      try {
        result.add(ImageGlob.compile(pattern));
      } catch (IllegalArgumentException e) {
        problems.add(path + "[" + i + "]: " + e.getMessage());
      }
    }
    return result;
  }

  static Set<String> namespaces(List<String> names, String path, List<String> problems) {
    Set<String> result = new LinkedHashSet<>();
    if (names == null) {
      return result;
    }
    tooMany(names, ImagePolicySpec.MAX_NAMESPACES, path, problems);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name == null || name.isEmpty() || name.length() > 63) {
        problems.add(path + "[" + i + "]: a namespace name has 1 to 63 characters");
      } else {
        result.add(name);
      }
    }
    return result;
  }

  private static ByteLimit byteLimit(String quantity, String path, List<String> problems) {
    if (quantity == null) {
      return null;
    }
    try {
      return new ByteLimit(ByteSize.parseQuantity(quantity), quantity);
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }

  private static GrowthLimit growthLimit(String text, List<String> problems) {
    if (text == null) {
      return null;
    }
    try {
      return GrowthLimit.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add("spec.limits.maxGrowth: " + e.getMessage());
      return null;
    }
  }

  private static List<Platform> platforms(List<String> texts, List<String> problems) {
    List<Platform> result = new ArrayList<>();
    if (texts == null) {
      return result;
    }
    tooMany(texts, ImagePolicySpec.MAX_PLATFORMS, "spec.platforms", problems);
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text != null && text.length() > MAX_PLATFORM_LENGTH) {
        problems.add(
            "spec.platforms["
                + i
                + "]: is "
                + text.length()
                + " characters long; at most "
                + MAX_PLATFORM_LENGTH
                + " are allowed");
      } else if (text == null || !PLATFORM.matcher(text).matches()) {
        problems.add(
            "spec.platforms["
                + i
                + "]: \""
                + text
                + "\" is not os/arch[/variant] in lowercase, e.g. linux/arm64");
      } else {
        result.add(Platform.parse(text));
      }
    }
    return List.copyOf(result);
  }

  private static void tooMany(List<?> list, int max, String path, List<String> problems) {
    if (list.size() > max) {
      problems.add(path + ": has " + list.size() + " entries; at most " + max + " are allowed");
    }
  }

  private static List<ImageReference> literalReferences(List<ImageGlob> globs) {
    Set<ImageReference> result = new LinkedHashSet<>();
    for (ImageGlob glob : globs) {
      if (glob.isLiteral()) {
        try {
          String text = glob.toString();
          // Only a pinned name can be fetched as meant: without a tag it would be :latest.
          if (text.substring(text.lastIndexOf('/') + 1).contains(":")) {
            result.add(ImageReference.parse(text));
          }
        } catch (InvalidReferenceException e) {
          // A pattern that is not a reference can still match; it just cannot be fetched.
        }
      }
    }
    return List.copyOf(result);
  }

  private static List<ImageGlob> concat(List<ImageGlob> a, List<ImageGlob> b) {
    List<ImageGlob> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
