package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.SizeLimits;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts in human units: binary multiples with at most one decimal, e.g. 812.4 MiB. */
public final class ByteSize {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private static final Pattern QUANTITY = Pattern.compile(SizeLimits.BYTE_QUANTITY_PATTERN);
  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
          Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
          Map.entry("k", BigDecimal.TEN.pow(3)),
          Map.entry("M", BigDecimal.TEN.pow(6)),
          Map.entry("G", BigDecimal.TEN.pow(9)),
          Map.entry("T", BigDecimal.TEN.pow(12)),
          Map.entry("P", BigDecimal.TEN.pow(15)),
          Map.entry("E", BigDecimal.TEN.pow(18)));
  private static final BigDecimal LONG_MAX = new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE));

  private ByteSize() {}

  /**
   * Parses a Kubernetes quantity of bytes ({@code 500Mi}, {@code 1.5G}, {@code 1e9}, {@code
   * 1000000}) the way the CRD's pattern admits it. Fractions round up to whole bytes; anything
   * beyond {@link Long#MAX_VALUE} is {@link Long#MAX_VALUE}, a limit nothing can exceed. Throws
   * {@link IllegalArgumentException} naming the input and a valid example.
   */
  public static long parseQuantity(String text) {
    Matcher m = text == null ? null : QUANTITY.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" is not a byte quantity; write e.g. 500Mi, 1Gi, 1.5G or \"1000000\" (bytes)");
    }
    String suffix = m.group(2) == null ? "" : m.group(2);
    BigDecimal bytes = new BigDecimal(text.substring(0, text.length() - suffix.length()));
    BigDecimal multiplier = SUFFIXES.get(suffix);
    if (multiplier != null) {
      bytes = bytes.multiply(multiplier);
    } else {
      String digits = suffix.substring(1);
      bytes =
          digits.length() > 9
              ? bytes.scaleByPowerOfTen(999)
              : bytes.scaleByPowerOfTen(Integer.parseInt(digits));
    }
    if (bytes.compareTo(LONG_MAX) >= 0) {
      return Long.MAX_VALUE;
    }
    return bytes.setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 812.4 MiB}, {@code 2 GiB}. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
    // Exact tenths, floored: 1023.99 MiB must not read as 1024 MiB.
    BigDecimal value =
        BigDecimal.valueOf(bytes)
            .divide(BigDecimal.valueOf(1L << (10 * unit)), 1, RoundingMode.FLOOR);
    String number = value.stripTrailingZeros().toPlainString();
    return number + " " + UNITS[unit - 1];
  }

  /**
   * {@code actual} formatted so that it reads as different from {@code limit}: when both round to
   * the same text, the exact byte count is added, e.g. {@code 500 MiB (524288001 bytes)}.
   */
  public static String formatAgainst(long actual, long limit) {
    String text = format(actual);
    return actual != limit && text.equals(format(limit)) ? text + " (" + actual + " bytes)" : text;
  }
}
