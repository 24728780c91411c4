package dev.supertickets.cli;

import dev.supertickets.mask.Scope;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option values that picocli does not convert by itself; a bad value becomes a usage error naming
 * the fix.
 */
final class Converters {
  private Converters() {}

  /** A preset name or a search-space JSON file ({@code SearchSpace.toJson()}). */
  static final class Space implements ITypeConverter<SearchSpace> {
    @Override
    public SearchSpace convert(String value) throws IOException {
      if (SearchSpaces.NAMES.contains(value)) {
        return SearchSpaces.named(value);
      }
      Path file = Path.of(value);
      if (!value.endsWith(".json")) {
        throw new TypeConversionException(
            "unknown search space "
                + value
                + "; use one of "
                + SearchSpaces.NAMES
                + " or a search-space JSON file (SearchSpace.toJson)");
      }
      if (!Files.isRegularFile(file)) {
        throw new TypeConversionException(
            "search-space file "
                + file.toAbsolutePath()
                + " does not exist; write "
                + "one with SearchSpace.toJson() or use one of "
                + SearchSpaces.NAMES);
      }
      try {
        return SearchSpace.fromJson(Files.readString(file));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "search-space file "
                + file.toAbsolutePath()
                + " is not a valid space: "
                + e.getMessage());
      }
    }
  }

  /** {@code erk}, {@code global} or {@code per-layer}. */
  static final class ScopeName implements ITypeConverter<Scope> {
    @Override
    public Scope convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "erk" -> Scope.ERK;
        case "global" -> Scope.GLOBAL;
        case "per-layer" -> Scope.PER_LAYER;
        default ->
            throw new TypeConversionException(
                "scope must be erk, global or per-layer, got " + value);
      };
    }
  }

  /** A count of MACs: {@code 400000}, {@code 400k}, {@code 1.5M} or {@code 2G}. */
  static final class Macs implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().replace("_", "").replace(",", "");
      double scale = 1;
      char last = v.isEmpty() ? ' ' : Character.toLowerCase(v.charAt(v.length() - 1));
      if (last == 'k' || last == 'm' || last == 'g') {
        scale = last == 'k' ? 1e3 : last == 'm' ? 1e6 : 1e9;
        v = v.substring(0, v.length() - 1);
      }
      try {
        double macs = Double.parseDouble(v) * scale;
        if (!(macs >= 1) || macs > Long.MAX_VALUE) {
          throw new TypeConversionException(
              "MACs budget must be at least 1, got " + value + "; e.g. 400k");
        }
        return Math.round(macs);
      } catch (NumberFormatException e) {
        throw new TypeConversionException(
            "MACs budget must be a count such as 400000, 400k or 1.5M, got " + value);
      }
    }
  }
}
