package dev.tonnage.registry.cloud;

import java.util.Locale;
import java.util.Optional;

/**
 * An Amazon ECR registry host, {@code ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]}: the
 * account (registry id) and region its credentials are asked for. Parsed without regular
 * expressions; anything else, a port included, is not ECR.
 *
 * @param registryId the 12-digit AWS account id
 * @param region the AWS region, e.g. {@code eu-west-1}
 * @param fips whether the host is a FIPS endpoint ({@code dkr.ecr-fips})
 */
record EcrHost(String registryId, String region, boolean fips) {

  /** Longest DNS name. */
  static final int MAX_HOST_LENGTH = 253;

  private static final String SUFFIX = ".amazonaws.com";
  private static final String CHINA_SUFFIX = ".amazonaws.com.cn";
  private static final String CHINA_REGION_PREFIX = "cn-";
  private static final int ACCOUNT_ID_LENGTH = 12;
  static final int MAX_REGION_LENGTH = 32;

  /** The ECR registry {@code host} names, or empty when it is not an ECR registry host. */
  static Optional<EcrHost> parse(String host) {
    if (host == null
        || host.isEmpty()
        || host.length() > MAX_HOST_LENGTH
        || !host.chars().allMatch(c -> c < 0x80)) {
      return Optional.empty(); // non-ASCII first: a Kelvin sign lower-cases to an ASCII k
    }
    String name = host.toLowerCase(Locale.ROOT);
    boolean china = name.endsWith(CHINA_SUFFIX);
    String rest;
    if (china) {
      rest = name.substring(0, name.length() - CHINA_SUFFIX.length());
    } else if (name.endsWith(SUFFIX)) {
      rest = name.substring(0, name.length() - SUFFIX.length());
    } else {
      return Optional.empty();
    }
    String[] labels = rest.split("\\.", -1);
    if (labels.length != 4 || !labels[1].equals("dkr")) {
      return Optional.empty();
    }
    boolean fips = labels[2].equals("ecr-fips");
    if (!fips && !labels[2].equals("ecr")) {
      return Optional.empty();
    }
    String account = labels[0];
    String region = labels[3];
    if (!isAccountId(account)
        || !isRegion(region)
        || china != region.startsWith(CHINA_REGION_PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(new EcrHost(account, region, fips));
  }

  private static boolean isAccountId(String value) {
    return value.length() == ACCOUNT_ID_LENGTH && value.chars().allMatch(EcrHost::isDigit);
  }

  /** {@code xx-word[-word...]-N}: two letters, words of letters, a number of one or two digits. */
  private static boolean isRegion(String value) {
    if (value.length() > MAX_REGION_LENGTH) {
      return false;
    }
    String[] parts = value.split("-", -1);
    if (parts.length < 3) {
      return false;
    }
    String last = parts[parts.length - 1];
    if (parts[0].length() != 2
        || !isLetters(parts[0])
        || last.isEmpty()
        || last.length() > 2
        || !last.chars().allMatch(EcrHost::isDigit)) {
      return false;
    }
    for (int i = 1; i < parts.length - 1; i++) {
      if (parts[i].isEmpty() || !isLetters(parts[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetters(String value) {
    return value.chars().allMatch(c -> c >= 'a' && c <= 'z');
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
