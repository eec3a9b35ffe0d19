package dev.tonnage.cli;

import dev.tonnage.policy.ByteSize;
import picocli.CommandLine;

/** Reads a flag's byte quantity as a policy limit is written: {@code 500Mi}, {@code 2Gi}, bytes. */
public final class ByteQuantityConverter implements CommandLine.ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    try {
      return ByteSize.parseQuantity(value.trim());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
