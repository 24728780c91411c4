package dev.supertickets.cli;

import com.google.common.base.Strings;
import dev.supertickets.data.Dataset;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.DataChecks;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Option checks that end in a usage error (exit code 2) with the option, the value, the rule and a
 * fix.
 */
final class Checks {
  private Checks() {}

  /**
   * Fails with a usage error unless {@code ok}; {@code message} is a Guava-style {@code %s}
   * template.
   */
  static void option(CommandSpec spec, boolean ok, String message, Object... args) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), Strings.lenientFormat(message, args));
    }
  }

  /**
   * Fails with a usage error when the data does not fit the space (size, channels, classes,
   * samples).
   */
  static void fits(CommandSpec spec, SearchSpace space, Dataset data, String role, int minSamples) {
    try {
      DataChecks.checkFits(space, data, role, minSamples);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--data " + data.name() + ": " + e.getMessage());
    }
  }
}
