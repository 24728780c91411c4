package dev.supertickets.mask;

import java.util.OptionalLong;

/**
 * The shipped scorers, each with the reference's semantics by default (see each class for its
 * options).
 *
 * <table>
 *   <caption>Scores (higher = kept) and how masked weights are treated by default</caption>
 *   <tr><th>scorer</th><th>score</th><th>masked weights</th><th>data</th></tr>
 *   <tr><td>{@link #magnitude()}</td><td>{@code |w|}</td><td>scored (reactivation possible)</td><td>no</td></tr>
 *   <tr><td>{@link #random()}</td><td>{@code N(0, 1)}, seeded</td><td>scored</td><td>no</td></tr>
 *   <tr><td>{@link #snip()}</td><td>{@code |w ⊙ ∂L/∂W_eff|}</td><td>scored</td><td>yes</td></tr>
 *   <tr><td>{@link #grasp()}</td><td>{@code w ⊙ Hg}</td><td>0</td><td>yes</td></tr>
 *   <tr><td>{@link #synflow()}</td><td>{@code |w ⊙ ∂R/∂w|}</td><td>0</td><td>no (input shape)</td></tr>
 * </table>
 */
public final class Scorers {
  private Scorers() {}

  /** {@code |w|} of every weight, masked ones included (the reference's criterion). */
  public static Magnitude magnitude() {
    return new Magnitude(true);
  }

  /** {@code N(0, 1)} scores from the context's seed. */
  public static RandomScores random() {
    return new RandomScores(OptionalLong.empty());
  }

  /** {@code N(0, 1)} scores from a fixed seed. */
  public static RandomScores random(long seed) {
    return new RandomScores(OptionalLong.of(seed));
  }

  /** SNIP over 1 batch, eval mode (the reference uses 101 batches: {@code snip().batches(101)}). */
  public static Snip snip() {
    return new Snip(1, BnStatistics.RUNNING, true);
  }

  /** GraSP over 1 batch per pass, temperature 200, eval mode. */
  public static Grasp grasp() {
    return new Grasp(1, 200, 5e-3, BnStatistics.RUNNING, false);
  }

  /**
   * One SynFlow round, eval mode; see {@link MaskPolicies#synflow()} for the iterative algorithm.
   */
  public static SynFlow synflow() {
    return new SynFlow(BnStatistics.RUNNING, false);
  }
}
