package dev.supertickets.tensor;

import java.util.SplittableRandom;

/**
 * The one seed of a run, split into independent streams by purpose, so that adding a use of
 * randomness in one place never shifts the numbers seen in another. Streams are derived from the
 * seed and a purpose name only.
 */
public final class RandomStreams {
  private final long seed;

  /** The streams of a run with this seed. */
  public RandomStreams(long seed) {
    this.seed = seed;
  }

  /** The run's seed. */
  public long seed() {
    return seed;
  }

  /**
   * A fresh generator for the named purpose (e.g. "init", "data-order", "augment", "dropout",
   * "prune").
   */
  public SplittableRandom stream(String purpose) {
    return new SplittableRandom(mix(seed, purpose.hashCode()));
  }

  /** A fresh generator for a purpose and an index (e.g. the layer number or the epoch). */
  public SplittableRandom stream(String purpose, long index) {
    return new SplittableRandom(mix(mix(seed, purpose.hashCode()), index));
  }

  private static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
