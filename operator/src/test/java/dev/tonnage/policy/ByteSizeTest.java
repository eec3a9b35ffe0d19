package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "0, 0",
    "1000000, 1000000",
    "500Mi, 524288000",
    "1Gi, 1073741824",
    "1.5Ki, 1536",
    "500M, 500000000",
    "1k, 1000",
    "1e9, 1000000000",
    "1E3, 1000",
    "2E, 2000000000000000000",
    "0.5, 1",
    "7Ei, 8070450532247928832",
    "8Ei, 9223372036854775807",
    "100E, 9223372036854775807",
    "1e400, 9223372036854775807",
    "0e99999999999, 0"
  })
  void parsesKubernetesQuantitiesOfBytes(String quantity, long bytes) {
    assertThat(ByteSize.parseQuantity(quantity)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "500MB", "500 Mi", "-1Gi", "500m", "1u", "Mi", "1.Gi", "0x10", "1ki"})
  void refusesWhatIsNoByteQuantity(String quantity) {
    assertThatThrownBy(() -> ByteSize.parseQuantity(quantity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a byte quantity; write e.g. 500Mi");
  }

  @ParameterizedTest(name = "{0} bytes = {1}")
  @CsvSource({
    "0, 0 B",
    "1023, 1023 B",
    "1024, 1 KiB",
    "1536, 1.5 KiB",
    "851700000, 812.2 MiB",
    "524288000, 500 MiB",
    "1073741823, 1023.9 MiB",
    "1238307023, 1.1 GiB",
    "9223372036854775807, 7.9 EiB"
  })
  void formatsInBinaryUnitsWithOneDecimal(long bytes, String text) {
    assertThat(ByteSize.format(bytes)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({
    "524288001, 524288000, 500 MiB (524288001 bytes)",
    "600000000, 524288000, 572.2 MiB",
    "524288000, 524288000, 500 MiB"
  })
  void addsTheByteCountWhenActualAndLimitWouldReadTheSame(long actual, long limit, String text) {
    assertThat(ByteSize.formatAgainst(actual, limit)).isEqualTo(text);
  }
}
