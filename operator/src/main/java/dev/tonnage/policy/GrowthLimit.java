package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.SizeLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * How much an image may grow over the one it replaces: a percentage of the previous size ({@code
 * 10%}) or a byte quantity ({@code 50Mi}). Sizes are compressed sizes: what every node pulls, and
 * always exact.
 *
 * @param percent the percentage, or null for a byte limit
 * @param bytes the byte limit, or -1 for a percentage
 * @param written the limit as written, e.g. {@code 10%} or {@code 50Mi}
 */
public record GrowthLimit(BigDecimal percent, long bytes, String written) {

  private static final Pattern PERCENT = Pattern.compile("^[0-9]+(\\.[0-9]+)?%$");
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  /**
   * Parses {@code 10%}, {@code 2.5%}, {@code 50Mi} or {@code 1000000}; throws {@link
   * IllegalArgumentException} naming the input and valid examples.
   */
  public static GrowthLimit parse(String text) {
    if (text == null || text.isEmpty() || text.length() > SizeLimits.MAX_GROWTH_LENGTH) {
      throw invalid(text);
    }
    if (text.endsWith("%")) {
      if (!PERCENT.matcher(text).matches()) {
        throw invalid(text);
      }
      return new GrowthLimit(new BigDecimal(text.substring(0, text.length() - 1)), -1, text);
    }
    try {
      return new GrowthLimit(null, ByteSize.parseQuantity(text), text);
    } catch (IllegalArgumentException e) {
      throw invalid(text);
    }
  }

  private static IllegalArgumentException invalid(String text) {
    String shown =
        text != null && text.length() > SizeLimits.MAX_GROWTH_LENGTH
            ? text.substring(0, SizeLimits.MAX_GROWTH_LENGTH) + "…"
            : text;
    return new IllegalArgumentException(
        "\""
            + shown
            + "\" is not a growth limit; write a percentage of the previous size such as 10%"
            + " or 2.5%, or a byte quantity such as 50Mi or 1G (at most "
            + SizeLimits.MAX_GROWTH_LENGTH
            + " characters)");
  }

  /** Whether growing from {@code before} to {@code after} bytes goes past this limit. */
  public boolean exceededBy(long before, long after) {
    long growth = after - before;
    if (growth <= 0) {
      return false;
    }
    if (percent == null) {
      return growth > bytes;
    }
    // growth / before > percent / 100, without dividing: exact for any sizes.
    return BigDecimal.valueOf(growth)
            .multiply(HUNDRED)
            .compareTo(percent.multiply(BigDecimal.valueOf(before)))
        > 0;
  }

  /** {@code 10%}, or a byte limit in human units: {@code 50 MiB}. */
  public String display() {
    return percent != null ? written : new CompiledPolicy.ByteLimit(bytes, written).display();
  }

  /**
   * The change from {@code before} to {@code after} bytes as people read it: {@code +12.5 MiB,
   * +41.7%}, {@code -3 KiB, -0.2%}, {@code +0 B, +0%}; the percentage is left out when {@code
   * before} is 0.
   */
  public static String change(long before, long after) {
    long delta = after - before;
    String bytes = (delta < 0 ? "-" : "+") + ByteSize.format(Math.abs(delta));
    return before <= 0 ? bytes : bytes + ", " + percentChange(before, after);
  }

  /** {@code +41.7%}: the change as a percentage of {@code before} (positive), one decimal. */
  public static String percentChange(long before, long after) {
    BigDecimal percent =
        BigDecimal.valueOf(after - before)
            .multiply(HUNDRED)
            .divide(BigDecimal.valueOf(before), 1, RoundingMode.HALF_UP)
            .stripTrailingZeros();
    return (percent.signum() < 0 ? "" : "+") + percent.toPlainString() + "%";
  }
}
