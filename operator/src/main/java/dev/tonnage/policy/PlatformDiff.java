package dev.tonnage.policy;

import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.UncompressedSize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one platform of an image changed from an old image to a new one: totals, layers aligned by
 * position and digest, and the build steps that were added or grew.
 *
 * @param platform the platform both images offer
 * @param before the old image's facts on it
 * @param after the new image's facts on it
 * @param layers the layers of both images aligned by digest, in order: shared, replaced, added and
 *     removed ones
 * @param steps the build steps whose layers are new and were added or grew, largest growth first
 */
public record PlatformDiff(
    Platform platform,
    PlatformFacts before,
    PlatformFacts after,
    List<LayerChange> layers,
    List<StepChange> steps) {

  /** The most steps a diff names; a hostile image may have thousands of layers. */
  static final int MAX_STEPS = 20;

  public PlatformDiff {
    layers = List.copyOf(layers);
    steps = List.copyOf(steps);
  }

  /** What happened to a layer. */
  public enum LayerStatus {
    /** A blob both images have, at the same position or moved. */
    SHARED,
    /** A new blob where the old image had a blob the new one lacks. */
    REPLACED,
    /** A new blob with no old counterpart. */
    ADDED,
    /** An old blob the new image lacks, with no new blob in its place. */
    REMOVED
  }

  /**
   * One aligned layer.
   *
   * @param position the new layer's position in the new image, from 0; -1 for a removed layer
   * @param status what happened
   * @param before the old layer, or null when added
   * @param after the new layer, or null when removed
   */
  public record LayerChange(int position, LayerStatus status, LayerFacts before, LayerFacts after) {

    /** Compressed bytes the position gained (negative when it lost). */
    public long delta() {
      return (after == null ? 0 : after.size()) - (before == null ? 0 : before.size());
    }

    /** A replaced layer that is larger than the one it replaces. */
    public boolean grew() {
      return status == LayerStatus.REPLACED && delta() > 0;
    }
  }

  /**
   * A build step of the new image whose layer is new.
   *
   * @param step the step, as {@link BuildStep} cleans it
   * @param before compressed bytes of the old image's layers from the same step; 0 when added
   * @param after compressed bytes of the new image's new layers from it
   * @param added whether the old image has no layer from this step
   */
  public record StepChange(BuildStep step, long before, long after, boolean added) {
    public long delta() {
      return after - before;
    }
  }

  /** The diff of {@code before} and {@code after}, which are the same platform of two images. */
  public static PlatformDiff of(PlatformFacts before, PlatformFacts after) {
    List<LayerFacts> old = before.layers();
    List<LayerFacts> now = after.layers();
    Set<String> oldDigests = digests(old);
    Set<String> newDigests = digests(now);
    Map<String, LayerFacts> oldByDigest = new HashMap<>();
    old.forEach(l -> oldByDigest.putIfAbsent(l.digest(), l));
    Set<String> paired = new HashSet<>();
    List<LayerChange> layers = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < old.size() || j < now.size()) {
      LayerFacts o = i < old.size() ? old.get(i) : null;
      LayerFacts n = j < now.size() ? now.get(j) : null;
      if (o != null && paired.contains(o.digest())) {
        i++; // moved: already shown where the new image has it
      } else if (n == null
          || (o != null && !newDigests.contains(o.digest()) && oldDigests.contains(n.digest()))) {
        layers.add(new LayerChange(-1, LayerStatus.REMOVED, o, null));
        i++;
      } else if (o != null && o.digest().equals(n.digest())) {
        layers.add(new LayerChange(j, LayerStatus.SHARED, o, n));
        i++;
        j++;
      } else if (!oldDigests.contains(n.digest())) {
        boolean replaces = o != null && !newDigests.contains(o.digest());
        layers.add(
            new LayerChange(
                j, replaces ? LayerStatus.REPLACED : LayerStatus.ADDED, replaces ? o : null, n));
        i += replaces ? 1 : 0;
        j++;
      } else {
        paired.add(n.digest());
        layers.add(new LayerChange(j, LayerStatus.SHARED, oldByDigest.get(n.digest()), n));
        j++;
      }
    }
    return new PlatformDiff(after.platform(), before, after, layers, steps(old, now));
  }

  /**
   * The steps of the new image's layers that the old image does not have, compared with the old
   * image's layers (not in the new one) from the step of the same text.
   */
  private static List<StepChange> steps(List<LayerFacts> old, List<LayerFacts> now) {
    Set<String> oldDigests = digests(old);
    Set<String> newDigests = digests(now);
    Map<String, Long> oldBySteps = new LinkedHashMap<>();
    for (LayerFacts layer : old) {
      if (!newDigests.contains(layer.digest())) {
        oldBySteps.merge(BuildStep.of(layer.createdBy()).text(), layer.size(), Long::sum);
      }
    }
    Map<String, Long> newBySteps = new LinkedHashMap<>();
    for (LayerFacts layer : now) {
      if (!oldDigests.contains(layer.digest())) {
        newBySteps.merge(BuildStep.of(layer.createdBy()).text(), layer.size(), Long::sum);
      }
    }
    List<StepChange> steps = new ArrayList<>();
    newBySteps.forEach(
        (step, size) -> {
          Long was = oldBySteps.get(step);
          if (was == null || size > was) {
            steps.add(
                new StepChange(new BuildStep(step), was == null ? 0 : was, size, was == null));
          }
        });
    return steps.stream()
        .sorted(Comparator.comparingLong(StepChange::delta).reversed())
        .limit(MAX_STEPS)
        .toList();
  }

  private static Set<String> digests(List<LayerFacts> layers) {
    Set<String> digests = new HashSet<>();
    layers.forEach(l -> digests.add(l.digest()));
    return digests;
  }

  /** Compressed bytes the platform gained (negative when it lost). */
  public long compressedDelta() {
    return after.compressedSize() - before.compressedSize();
  }

  /** Uncompressed bytes gained, or null when either size is unknown. */
  public Long uncompressedDelta() {
    UncompressedSize b = before.uncompressedSize();
    UncompressedSize a = after.uncompressedSize();
    return a == null || b == null ? null : a.bytes() - b.bytes();
  }

  /** Whether both uncompressed sizes are exact, so their change is too. */
  public boolean uncompressedExact() {
    return before.uncompressedSize() != null
        && after.uncompressedSize() != null
        && before.uncompressedSize().exact()
        && after.uncompressedSize().exact();
  }

  public int layerCountDelta() {
    return after.layerCount() - before.layerCount();
  }

  /** How many positions have each status. */
  public long count(LayerStatus status) {
    return layers.stream().filter(l -> l.status() == status).count();
  }

  /** {@code +12 MiB from RUN apt-get install ...; added: 3 MiB from COPY . /app}, at most 3. */
  public String stepsSentence(int most) {
    StringBuilder sb = new StringBuilder();
    for (StepChange s : steps.subList(0, Math.min(most, steps.size()))) {
      sb.append(sb.length() == 0 ? "" : "; ")
          .append(s.added() ? "added " : "grew ")
          .append(s.step())
          .append(" (+")
          .append(ByteSize.format(s.delta()))
          .append(')');
    }
    return sb.toString();
  }
}
