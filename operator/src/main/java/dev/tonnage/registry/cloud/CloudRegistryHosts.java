package dev.tonnage.registry.cloud;

import java.util.Locale;

/**
 * Which registry hosts belong to a cloud: a registry host names them exactly, in one DNS label
 * under the cloud's domain. Hosts come from Pod specs, so the checks are linear, length-capped and
 * refuse anything but plain DNS names without a port.
 */
final class CloudRegistryHosts {

  /** The longest DNS name. */
  static final int MAX_HOST_LENGTH = 253;

  private static final int MAX_LABEL_LENGTH = 63;

  private CloudRegistryHosts() {}

  /** The host in lower case when it is a plain DNS name (no port, no IP literal), else null. */
  static String dnsName(String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
      return null;
    }
    String lower = host.toLowerCase(Locale.ROOT);
    int labelLength = 0;
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c == '.') {
        if (labelLength == 0) {
          return null;
        }
        labelLength = 0;
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
        if (++labelLength > MAX_LABEL_LENGTH) {
          return null;
        }
      } else {
        return null;
      }
    }
    return labelLength == 0 ? null : lower;
  }

  /**
   * Whether {@code name} (from {@link #dnsName}) is exactly one label, ending in {@code
   * labelSuffix} and not only that, followed by {@code "." + domain}.
   */
  static boolean oneLabelUnder(String name, String domain, String labelSuffix) {
    if (name == null || !name.endsWith("." + domain)) {
      return false;
    }
    String label = name.substring(0, name.length() - domain.length() - 1);
    return label.length() > labelSuffix.length()
        && label.indexOf('.') < 0
        && label.endsWith(labelSuffix)
        && label.charAt(0) != '-'
        && label.charAt(label.length() - 1) != '-';
  }
}
