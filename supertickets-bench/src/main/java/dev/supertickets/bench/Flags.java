package dev.supertickets.bench;

import java.util.ArrayList;
import java.util.List;

/** The bench mains' {@code --name value} flags, read the same way by each. */
final class Flags {
  private Flags() {}

  /** One flag and its value. */
  record Flag(String name, String value) {}

  /**
   * The flags of {@code args} in order, blank arguments skipped (Maven's exec passes empty ones).
   *
   * @throws IllegalArgumentException if a flag has no value after it
   */
  static List<Flag> of(String[] args) {
    List<Flag> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.isBlank()) {
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + a);
      }
      out.add(new Flag(a, args[++i]));
    }
    return out;
  }
}
