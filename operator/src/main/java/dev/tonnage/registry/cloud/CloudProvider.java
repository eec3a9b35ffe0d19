package dev.tonnage.registry.cloud;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A cloud whose workload identity Tonnage can turn into registry credentials. */
public enum CloudProvider {
  /** Amazon ECR through the AWS SDK's default credentials chain ({@link EcrIdentity}). */
  AWS("aws"),
  /**
   * Google Artifact Registry and GCR through Application Default Credentials ({@link
   * GoogleIdentity}).
   */
  GOOGLE("google"),
  /** Azure Container Registry through Entra ID workload identity ({@link AzureIdentity}). */
  AZURE("azure");

  /** The {@code --cloud-identity} value that enables none. */
  public static final String NONE = "none";

  private final String flagValue;

  CloudProvider(String flagValue) {
    this.flagValue = flagValue;
  }

  /** The name {@code --cloud-identity} takes. */
  public String flagValue() {
    return flagValue;
  }

  /**
   * The providers {@code --cloud-identity} values name: each provider's name, or {@code none} alone
   * for none; blank values are ignored.
   *
   * @throws IllegalArgumentException naming the value that is not a provider, and the valid ones
   */
  public static Set<CloudProvider> parseAll(List<String> values) {
    List<String> names =
        values.stream()
            .map(v -> v.trim().toLowerCase(Locale.ROOT))
            .filter(v -> !v.isEmpty())
            .toList();
    if (names.contains(NONE)) {
      if (names.size() > 1) {
        throw new IllegalArgumentException(
            "--cloud-identity " + NONE + " cannot be combined with a provider; got " + names);
      }
      return Set.of();
    }
    Set<CloudProvider> enabled = EnumSet.noneOf(CloudProvider.class);
    for (String name : names) {
      enabled.add(
          Stream.of(values())
              .filter(p -> p.flagValue.equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--cloud-identity takes "
                              + validValues()
                              + " or "
                              + NONE
                              + "; got "
                              + abbreviated(name))));
    }
    return Set.copyOf(enabled);
  }

  /** Every provider's flag value, comma-separated: what {@code --cloud-identity} can enable. */
  public static String validValues() {
    return Stream.of(values()).map(CloudProvider::flagValue).collect(Collectors.joining(","));
  }

  private static String abbreviated(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
