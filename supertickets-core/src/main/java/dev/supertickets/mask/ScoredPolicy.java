package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link MaskPolicy} that ranks a {@link Scorer}'s scores in a {@link Scope} with the exact
 * counts of {@link Ranking}; immutable, configured by copy-returning methods. Defaults: {@link
 * Scope#GLOBAL}, exact ties, one round.
 *
 * <p>With {@code rounds(n)} for {@code n > 1} it prunes iteratively, as Synaptic-Flow's {@code
 * prune_loop}: round {@code r = 1..n} scores the model with the masks of round {@code r − 1}
 * installed (the caller's masks before round 1) and masks to the round's sparsity, {@code 1 − (1 −
 * s)^{r/n}} ({@link Schedule#EXPONENTIAL}) or {@code s · r/n} ({@link Schedule#LINEAR}); the last
 * round uses {@code s} itself. The caller's masks are put back afterwards; only the last round's
 * masks are returned.
 */
public final class ScoredPolicy implements MaskPolicy {
  /** How the sparsity grows over the rounds of an iterative policy. */
  public enum Schedule {
    /** Density {@code (1 − s)^{r/n}} after round r (SynFlow's default). */
    EXPONENTIAL,
    /** Sparsity {@code s · r/n} after round r. */
    LINEAR
  }

  private final Scorer scorer;
  private final Scope scope;
  private final boolean referenceTies;
  private final int rounds;
  private final Schedule schedule;

  private ScoredPolicy(
      Scorer scorer, Scope scope, boolean referenceTies, int rounds, Schedule schedule) {
    this.scorer = checkNotNull(scorer, "scorer must not be null; see Scorers");
    this.scope = checkNotNull(scope, "scope must not be null; use Scope.GLOBAL");
    checkArgument(
        rounds > 0, "rounds must be positive, got %s; use 1 for one-shot pruning", rounds);
    this.referenceTies = referenceTies;
    this.rounds = rounds;
    this.schedule = checkNotNull(schedule, "schedule must not be null; use Schedule.EXPONENTIAL");
  }

  /** Global, exact, one-shot ranking of {@code scorer}'s scores. */
  public static ScoredPolicy of(Scorer scorer) {
    return new ScoredPolicy(scorer, Scope.GLOBAL, false, 1, Schedule.EXPONENTIAL);
  }

  /** The same policy in another scope. */
  public ScoredPolicy scope(Scope newScope) {
    return new ScoredPolicy(scorer, newScope, referenceTies, rounds, schedule);
  }

  /**
   * The same policy pruning every weight tied with the threshold, as the reference ({@link
   * Ranking}).
   */
  public ScoredPolicy referenceTies(boolean on) {
    return new ScoredPolicy(scorer, scope, on, rounds, schedule);
  }

  /** The same policy pruning in {@code n} rounds (1 = one shot). */
  public ScoredPolicy rounds(int n) {
    return new ScoredPolicy(scorer, scope, referenceTies, n, schedule);
  }

  /** The same policy with another round schedule. */
  public ScoredPolicy schedule(Schedule newSchedule) {
    return new ScoredPolicy(scorer, scope, referenceTies, rounds, newSchedule);
  }

  /** The scorer whose scores are ranked. */
  public Scorer scorer() {
    return scorer;
  }

  /** How the prune budget is spread over the tensors. */
  public Scope scope() {
    return scope;
  }

  /** Whether weights tied with the threshold are all pruned (the reference). */
  public boolean usesReferenceTies() {
    return referenceTies;
  }

  /** The number of pruning rounds (1 = one shot). */
  public int rounds() {
    return rounds;
  }

  /** How the sparsity grows over the rounds. */
  public Schedule schedule() {
    return schedule;
  }

  /**
   * The sparsity after round {@code round} (1-based) of {@code rounds} towards {@code sparsity}.
   */
  public static double roundSparsity(double sparsity, int round, int rounds, Schedule schedule) {
    checkNotNull(schedule, "schedule must not be null; use Schedule.EXPONENTIAL");
    Ranking.checkSparsity(sparsity);
    checkArgument(round >= 1 && round <= rounds, "round must be in [1, %s], got %s", rounds, round);
    if (round == rounds) {
      return sparsity;
    }
    double f = (double) round / rounds;
    return schedule == Schedule.EXPONENTIAL ? 1 - Math.pow(1 - sparsity, f) : sparsity * f;
  }

  @Override
  public ImmutableMap<Param, INDArray> masks(MaskContext context, double sparsity) {
    Ranking.checkSparsity(sparsity);
    if (rounds == 1) {
      return Ranking.select(
          context.params(), scorer.scores(context), sparsity, scope, referenceTies);
    }
    Map<Param, INDArray> saved = new IdentityHashMap<>();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : context.params()) {
        saved.put(p, p.mask() == null ? null : p.mask().dup().detach());
      }
    }
    try {
      ImmutableMap<Param, INDArray> masks = null;
      for (int r = 1; r <= rounds; r++) {
        double s = roundSparsity(sparsity, r, rounds, schedule);
        masks = Ranking.select(context.params(), scorer.scores(context), s, scope, referenceTies);
        if (r < rounds) {
          Masks.install(masks);
        }
      }
      return masks;
    } finally {
      for (Param p : context.params()) {
        INDArray m = saved.get(p);
        if (m == null) {
          p.clearMask();
        } else {
          p.mask().assign(m);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "ScoredPolicy{"
        + scorer
        + ", "
        + scope
        + (referenceTies ? ", reference ties" : "")
        + (rounds > 1 ? ", " + rounds + " rounds " + schedule : "")
        + "}";
  }
}
