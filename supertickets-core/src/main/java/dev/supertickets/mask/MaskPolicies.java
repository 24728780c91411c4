package dev.supertickets.mask;

/**
 * Ready-made {@link MaskPolicy} presets; each is a {@link ScoredPolicy} that can be adjusted
 * further.
 */
public final class MaskPolicies {
  /** SynFlow's number of pruning rounds. */
  public static final int SYNFLOW_ROUNDS = 100;

  private MaskPolicies() {}

  /**
   * Global magnitude with exact counts: the reference's SuperTickets criterion, without its tie
   * quirk.
   */
  public static ScoredPolicy magnitude() {
    return ScoredPolicy.of(Scorers.magnitude());
  }

  /**
   * Global magnitude exactly as the reference: {@code mask = |w| > thr}, ties at the threshold
   * pruned.
   */
  public static ScoredPolicy referenceMagnitude() {
    return magnitude().referenceTies(true);
  }

  /** Global random pruning from a seed (about the same density in every tensor). */
  public static ScoredPolicy random(long seed) {
    return ScoredPolicy.of(Scorers.random(seed));
  }

  /**
   * Random masks with ERK per-tensor densities (RigL's sparse initialisation, with exact counts).
   */
  public static ScoredPolicy erkRandom(long seed) {
    return random(seed).scope(Scope.ERK);
  }

  /** Global one-shot SNIP over 1 batch. */
  public static ScoredPolicy snip() {
    return ScoredPolicy.of(Scorers.snip());
  }

  /** Global one-shot GraSP. */
  public static ScoredPolicy grasp() {
    return ScoredPolicy.of(Scorers.grasp());
  }

  /** Iterative SynFlow: 100 rounds, exponential schedule, global (the algorithm of the paper). */
  public static ScoredPolicy synflow() {
    return ScoredPolicy.of(Scorers.synflow())
        .rounds(SYNFLOW_ROUNDS)
        .schedule(ScoredPolicy.Schedule.EXPONENTIAL);
  }

  /** Single-round SynFlow, as the reference's baseline runs it ({@code epochs=1}). */
  public static ScoredPolicy synflowSingleShot() {
    return ScoredPolicy.of(Scorers.synflow());
  }
}
