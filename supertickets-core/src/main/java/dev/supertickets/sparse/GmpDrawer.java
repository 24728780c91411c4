package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.DrawListeners;
import dev.supertickets.draw.TicketDrawer;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.ScoredPolicy;
import dev.supertickets.mask.Selector;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import java.util.Map;

/**
 * Gradual magnitude pruning (Zhu and Gupta 2017, TF-MOT's {@code PolynomialDecay}): one training
 * run of the retrainer's epochs from the initial supernet ({@link SuperTicket#initial}), during
 * which the magnitude masks are recomputed every {@code frequency} steps between the begin and the
 * end step with the cubic schedule {@code s_t = s_f + (s_i − s_f)(1 − (t − t_0)/(t_e − t_0))^3},
 * and frozen afterwards; see {@link Schedule}.
 *
 * <p>Magnitudes are ranked with masked weights last ({@code Magnitude.includeMasked(false)}), so,
 * as in Zhu and Gupta, a weight once pruned stays pruned: the masks only ever lose weights. The
 * last update is always the end step, at exactly the target sparsity ({@link
 * dev.supertickets.mask.Ranking#pruneCount}: over all prunable weights with {@link Scope#GLOBAL},
 * per tensor with {@link Scope#PER_LAYER}, the default as in the paper). The prunable weights are
 * {@link Selector#prunableWeights()}. The ticket is the retrainer's (EMA weights, BN re-calibrated)
 * with the final masks.
 *
 * <p>Immutable and reusable; the same seed gives bit-identical tickets.
 */
public final class GmpDrawer implements TicketDrawer {
  /**
   * The pruning schedule of one run, in optimizer steps: {@code t} counts the steps done (0 before
   * training). Masks are updated at {@code t_0, t_0 + Δt, t_0 + 2Δt, ...} below the end step {@code
   * t_e} and at {@code t_e} itself, which TF-MOT skips when {@code t_e − t_0} is not a multiple of
   * {@code Δt}.
   *
   * @param initialSparsity {@code s_i}, in [0, target]
   * @param targetSparsity {@code s_f}, in [0, 1)
   * @param beginStep {@code t_0}
   * @param endStep {@code t_e}, at least {@code t_0}
   * @param frequency {@code Δt}, positive
   */
  public record Schedule(
      double initialSparsity, double targetSparsity, long beginStep, long endStep, int frequency) {
    /** Checks the ranges. */
    public Schedule {
      checkArgument(
          targetSparsity >= 0 && targetSparsity < 1,
          "target sparsity must be in [0, 1), got %s; e.g. 0.9",
          targetSparsity);
      checkArgument(
          initialSparsity >= 0 && initialSparsity <= targetSparsity,
          "initial sparsity must be in [0, target %s], got %s; usually 0",
          targetSparsity,
          initialSparsity);
      checkArgument(
          beginStep >= 0 && endStep >= beginStep,
          "pruning steps must satisfy 0 <= begin <= end, got begin %s and end %s",
          beginStep,
          endStep);
      checkArgument(
          frequency > 0, "pruning frequency must be positive, got %s; e.g. 100 steps", frequency);
    }

    /**
     * The sparsity the schedule asks for after {@code step} steps: {@code s_i} up to the begin
     * step, the cubic in between, {@code s_f} from the end step on.
     */
    public double sparsityAt(long step) {
      if (step >= endStep) {
        return targetSparsity;
      }
      if (step <= beginStep) {
        return initialSparsity;
      }
      double left = 1 - (double) (step - beginStep) / (endStep - beginStep);
      return targetSparsity + (initialSparsity - targetSparsity) * left * left * left;
    }

    /** Whether masks are recomputed after {@code step} steps. */
    public boolean updatesAt(long step) {
      return step == endStep
          || (step >= beginStep && step < endStep && (step - beginStep) % frequency == 0);
    }

    /** The number of scheduled mask updates, the end step's included. */
    public long updates() {
      return (endStep - beginStep + frequency - 1) / frequency + 1;
    }
  }

  /** Every setting that decides a GMP ticket besides the recipe; its provenance is derived. */
  private record Settings(
      long seed,
      double initialSparsity,
      double targetSparsity,
      double beginFraction,
      double endFraction,
      int frequency,
      Scope scope,
      Normalization normalization) {}

  private final SearchSpace space;
  private final Retrainer retrainer;
  private final Settings cfg;
  private final DrawListeners listeners;
  private final ScoredPolicy policy;
  private final java.nio.file.Path checkpoint;

  private GmpDrawer(Builder b) {
    checkArgument(
        b.initialSparsity <= b.targetSparsity,
        "initial sparsity %s must not exceed the target sparsity " + "%s; lower it (usually 0)",
        b.initialSparsity,
        b.targetSparsity);
    checkArgument(
        b.beginFraction <= b.endFraction,
        "pruning must begin no later than it ends, got begin fraction "
            + "%s and end fraction %s; e.g. 0 and 0.75",
        b.beginFraction,
        b.endFraction);
    this.space = b.space;
    this.retrainer = b.recipe();
    this.cfg =
        new Settings(
            b.seed,
            b.initialSparsity,
            b.targetSparsity,
            b.beginFraction,
            b.endFraction,
            b.frequency,
            b.scope,
            b.normalization);
    this.listeners = DrawListeners.of(b.drawListeners);
    this.policy = MagnitudeMasks.policy(b.scope, "gmp");
    this.checkpoint = b.checkpoint;
  }

  /** Starts configuring GMP on the supernet of {@code space}; every other setting has a default. */
  public static Builder builder(SearchSpace space) {
    return new Builder(space);
  }

  /**
   * The schedule over a run of {@code totalSteps} optimizer steps: begin and end are the fractions
   * of it, rounded to the nearest step.
   */
  public Schedule schedule(long totalSteps) {
    checkArgument(totalSteps > 0, "a run has at least one step, got %s", totalSteps);
    return new Schedule(
        cfg.initialSparsity(),
        cfg.targetSparsity(),
        Math.round(cfg.beginFraction() * totalSteps),
        Math.round(cfg.endFraction() * totalSteps),
        cfg.frequency());
  }

  @Override
  public SuperTicket draw(Dataset train, Dataset test) {
    checkNotNull(train, "training data must not be null");
    Schedule schedule =
        schedule((long) retrainer.epochs() * SparseRuns.stepsPerEpoch(space, train, retrainer));
    Normalization norm =
        cfg.normalization() != null ? cfg.normalization() : Normalization.of(train);
    Map<String, Object> p = settings();
    p.put("gmp.beginStep", schedule.beginStep());
    p.put("gmp.endStep", schedule.endStep());
    p.put("gmp.scheduledUpdates", schedule.updates());
    Provenance.putData(p, "data.", train, test);
    SuperTicket initial = SuperTicket.initial(space, norm, cfg.seed());
    SuperTicket start = initial.withState(initial.state(), p);
    if (schedule.updatesAt(0) && schedule.sparsityAt(0) > 0) {
      // an update before the first step prunes the initial weights
      start = start.prune(policy, schedule.sparsityAt(0), null, cfg.seed());
      SuperTicket pruned = start;
      listeners.masks(
          0,
          schedule.sparsityAt(0),
          () -> MaskSet.capture(pruned.network(), Selector.prunableWeights()));
    }
    Pruner pruner = new Pruner(schedule);
    Retrainer run =
        SparseRuns.progress(checkpoint, settings(), retrainer, train, test)
            .checkpointed(retrainer.toBuilder().stepHook(pruner).build(), "train");
    return start.retrain(train, test, run);
  }

  /** The settings, as provenance entries. */
  public Map<String, Object> settings() {
    Map<String, Object> m = SparseRuns.entries("gmp", "gmp.", cfg);
    m.put("gmp.criterion", policy.scorer());
    m.put("gmp.selector", Selector.prunableWeights());
    return m;
  }

  @Override
  public String toString() {
    return "GmpDrawer" + settings();
  }

  /** Re-prunes the live model at the schedule's update steps. */
  private final class Pruner implements StepHook {
    private final Schedule schedule;

    Pruner(Schedule schedule) {
      this.schedule = schedule;
    }

    @Override
    public void afterStep(Trainer trainer, int epoch) {
      long t = trainer.globalStep();
      if (!schedule.updatesAt(t)) {
        return;
      }
      double s = schedule.sparsityAt(t);
      MaskContext ctx = MaskContext.of(trainer.model());
      Masks.install(policy.masks(ctx, s));
      listeners.masks(t, s, () -> MaskSet.capture(ctx.params()));
    }
  }

  /** Fluent configuration of a {@link GmpDrawer}; every setting but the space has a default. */
  public static final class Builder extends SparseDrawerBuilder<Builder> {
    private double targetSparsity = 0.9;
    private double initialSparsity;
    private double beginFraction;
    private double endFraction = 0.75;
    private int frequency = 100;
    private Scope scope = Scope.PER_LAYER;

    private Builder(SearchSpace space) {
      super(space);
    }

    @Override
    Builder self() {
      return this;
    }

    /** The final sparsity {@code s_f}, in (0, 1); default 0.9. */
    public Builder targetSparsity(double s) {
      checkArgument(s > 0 && s < 1, "target sparsity must be in (0, 1), got %s; e.g. 0.9", s);
      this.targetSparsity = s;
      return this;
    }

    /**
     * The sparsity {@code s_i} of the first update, in [0, 1) and at most the target; default 0.
     */
    public Builder initialSparsity(double s) {
      checkArgument(s >= 0 && s < 1, "initial sparsity must be in [0, 1), got %s; usually 0", s);
      this.initialSparsity = s;
      return this;
    }

    /** The begin step {@code t_0} as a fraction of the run's steps, in [0, 1]; default 0. */
    public Builder beginFraction(double f) {
      checkArgument(f >= 0 && f <= 1, "begin fraction must be in [0, 1], got %s; e.g. 0 or 0.1", f);
      this.beginFraction = f;
      return this;
    }

    /** The end step {@code t_e} as a fraction of the run's steps, in [0, 1]; default 0.75. */
    public Builder endFraction(double f) {
      checkArgument(
          f >= 0 && f <= 1,
          "end fraction must be in [0, 1], got %s; e.g. 0.75 leaves the last quarter "
              + "to fine-tune the final masks",
          f);
      this.endFraction = f;
      return this;
    }

    /** Steps {@code Δt} between mask updates, positive; default 100. */
    public Builder frequency(int steps) {
      checkArgument(
          steps > 0,
          "pruning frequency must be positive, got %s; 100 to 1000 steps is typical",
          steps);
      this.frequency = steps;
      return this;
    }

    /**
     * {@link Scope#PER_LAYER} (Zhu and Gupta, the default) or {@link Scope#GLOBAL} (Sup-tickets'
     * variant).
     */
    public Builder scope(Scope s) {
      MagnitudeMasks.policy(s, "gmp");
      this.scope = s;
      return this;
    }

    /**
     * The drawer; reusable.
     *
     * @throws IllegalArgumentException if the initial sparsity exceeds the target or pruning would
     *     end before it begins
     */
    public GmpDrawer build() {
      return new GmpDrawer(this);
    }
  }
}
