package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.DrawListener;
import dev.supertickets.draw.DrawListeners;
import dev.supertickets.draw.TicketDrawer;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.ScoredPolicy;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.DrawProgress;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.HookState;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lottery tickets by iterative magnitude pruning with weight rewinding (Frankle et al. 2019/2020;
 * OpenLTH's {@code lottery} runner with {@code sparse_global} pruning).
 *
 * <p>Level 0 trains the dense supernet from its initial weights θ<sub>0</sub> ({@link
 * SuperTicket#initial}) and keeps the rewind weights θ<sub>r</sub>: θ<sub>0</sub> itself, or with
 * {@code rewindSteps(r)} the raw weights and BN statistics after {@code r} optimizer steps. Every
 * level {@code L ≥ 1} then prunes the trained weights of level {@code L − 1} by magnitude among the
 * weights still active ({@code m_L = m_{L−1} ∧ top|w|}, so masks only shrink) to the level's
 * sparsity, resets the weights to θ<sub>r</sub> with the new masks (the <em>rewound</em> ticket,
 * what E-LTH transforms) and trains them again with the same retrainer. The prunable weights are
 * {@link Selector#prunableWeights()}: the classifier stays dense, as everywhere in the library.
 *
 * <p><b>Sparsities.</b> Each level prunes {@code pruningFraction} of the weights still active, so
 * level L has sparsity {@code 1 − (1 − p)^L}, until a milestone would be crossed: that level is
 * clamped to the milestone and the next levels go on from it. The last milestone is the target,
 * where the run stops. Counts are exact ({@link dev.supertickets.mask.Ranking#pruneCount}: over all
 * prunable weights with {@link Scope#GLOBAL}, per tensor with {@link Scope#PER_LAYER}); OpenLTH's
 * threshold instead prunes {@code ⌈p · n⌉ + 1} weights plus ties.
 *
 * <p><b>Deviation from OpenLTH.</b> Every level trains the full recipe with a fresh optimizer and a
 * fresh schedule from θ<sub>r</sub>; OpenLTH resumes the schedule at step {@code r} and trains only
 * the remaining {@code T − r} steps. The retrainer also finishes each level as it finishes any
 * ticket (EMA weights, BN re-calibrated), and those trained weights are what the next level ranks.
 *
 * <p>Immutable and reusable; one seed decides the initial weights and the retrainer's data order,
 * so the same seed gives bit-identical tickets. All levels are held in memory ({@link #run}).
 */
public final class ImpDrawer implements TicketDrawer {
  /**
   * One level of a run.
   *
   * @param level 0 for the dense run, then 1, 2, ...
   * @param sparsity the level's planned sparsity over the prunable weights (0 at level 0)
   * @param trained the level's ticket after training
   * @param rewound the rewind weights θ<sub>r</sub> with this level's masks: what training started
   *     from
   */
  public record Level(int level, double sparsity, SuperTicket trained, SuperTicket rewound) {
    /** Checks the level number, the sparsity and the tickets. */
    public Level {
      checkArgument(
          level >= 0, "level must not be negative, got %s; level 0 is the dense run", level);
      checkArgument(
          sparsity >= 0 && sparsity < 1,
          "sparsity of level %s must be in [0, 1), got %s",
          (Object) level,
          (Object) sparsity);
      checkNotNull(trained, "trained ticket of level %s must not be null", level);
      checkNotNull(rewound, "rewound ticket of level %s must not be null", level);
    }
  }

  /**
   * Every level of a run, level 0 first.
   *
   * @param levels the levels in order, at least level 0
   */
  public record Result(ImmutableList<Level> levels) {
    /** Copies the levels and checks that there is at least one. */
    public Result {
      levels = ImmutableList.copyOf(levels);
      checkArgument(!levels.isEmpty(), "an IMP result holds at least level 0");
    }

    /** The last level, the one at the target sparsity. */
    public Level last() {
      return levels.get(levels.size() - 1);
    }
  }

  /** Every setting that decides an IMP ticket besides the recipe; its provenance is derived. */
  private record Settings(
      long seed,
      double pruningFraction,
      ImmutableList<Double> milestones,
      Scope scope,
      long rewindSteps,
      Normalization normalization) {}

  private final SearchSpace space;
  private final Retrainer retrainer;
  private final Settings cfg;
  private final DrawListeners listeners;
  private final ScoredPolicy policy;
  private final java.nio.file.Path checkpoint;

  private ImpDrawer(Builder b) {
    this.space = b.space;
    this.retrainer = b.recipe();
    this.cfg =
        new Settings(
            b.seed,
            b.pruningFraction,
            b.milestones == null ? ImmutableList.of(Builder.DEFAULT_TARGET) : b.milestones,
            b.scope,
            b.rewindSteps,
            b.normalization);
    this.listeners = DrawListeners.of(b.drawListeners);
    this.policy = MagnitudeMasks.policy(b.scope, "imp");
    this.checkpoint = b.checkpoint;
  }

  /** Starts configuring IMP on the supernet of {@code space}; every other setting has a default. */
  public static Builder builder(SearchSpace space) {
    return new Builder(space);
  }

  /** Runs every level and returns the last level's trained ticket. */
  @Override
  public SuperTicket draw(Dataset train, Dataset test) {
    return run(train, test).last().trained();
  }

  /**
   * Runs every level on {@code train}; {@code test} (may be null) is evaluated as the retrainer
   * evaluates.
   *
   * @throws IllegalArgumentException if the data do not fit the space, or the rewind step is not
   *     before the end of one training run
   */
  public Result run(Dataset train, Dataset test) {
    checkNotNull(train, "training data must not be null");
    long steps = (long) retrainer.epochs() * SparseRuns.stepsPerEpoch(space, train, retrainer);
    checkArgument(
        cfg.rewindSteps() < steps,
        "rewind step %s is not before the end of one training run (%s steps: %s "
            + "epochs of %s samples in batches of %s); rewind earlier or train longer",
        cfg.rewindSteps(),
        steps,
        retrainer.epochs(),
        train.size(),
        retrainer.batchSize());
    Normalization norm =
        cfg.normalization() != null ? cfg.normalization() : Normalization.of(train);
    SuperTicket initial = SuperTicket.initial(space, norm, cfg.seed());
    List<Level> levels = new ArrayList<>();
    DrawProgress progress = SparseRuns.progress(checkpoint, settings(), retrainer, train, test);
    SuperTicket start = initial.withState(initial.state(), provenance(0, 0, train, test));
    RewindSnapshot snapshot = new RewindSnapshot(cfg.rewindSteps());
    SuperTicket trained =
        progress.stage(
            "level-0",
            () -> {
              Retrainer first =
                  cfg.rewindSteps() == 0
                      ? retrainer
                      : retrainer.toBuilder().stepHook(snapshot).build();
              SuperTicket t = start.retrain(train, test, progress.checkpointed(first, "level-0"));
              if (cfg.rewindSteps() > 0) {
                // saved before the level, so that a kept level 0 always has its rewind point
                progress.save("rewind", initial.withState(snapshot.state(), Map.of()));
              }
              return t;
            });
    NetworkState theta =
        cfg.rewindSteps() == 0
            ? initial.state()
            : snapshot.reached() ? snapshot.state() : progress.saved("rewind").state();
    levels.add(new Level(0, 0, trained, initial.withState(theta, provenance(0, 0, train, test))));
    notify(0, 0, trained);
    List<Double> plan = levelSparsities();
    for (int level = 1; level < plan.size(); level++) {
      double sparsity = plan.get(level);
      // ranking the trained weights with the previous masks installed: masked weights rank last
      ImmutableMap<String, INDArray> masks =
          trained.prune(policy, sparsity, null, cfg.seed()).state().masks();
      SuperTicket rewound =
          initial.withState(
              new NetworkState(theta.values(), masks, theta.stats()),
              provenance(level, sparsity, train, test));
      String stage = "level-" + level;
      trained =
          progress.stage(
              stage, () -> rewound.retrain(train, test, progress.checkpointed(retrainer, stage)));
      levels.add(new Level(level, sparsity, trained, rewound));
      notify(level, sparsity, trained);
    }
    return new Result(ImmutableList.copyOf(levels));
  }

  /**
   * The planned sparsity of every level, level 0 (0) first: {@code s_L = 1 − (1 − p)(1 − s_{L−1})},
   * clamped to the next milestone when it would cross it; the last entry is the target.
   */
  public ImmutableList<Double> levelSparsities() {
    ImmutableList.Builder<Double> out = ImmutableList.builder();
    out.add(0.0);
    double s = 0;
    for (double milestone : cfg.milestones()) {
      while (s < milestone) {
        s = Math.min(1 - (1 - cfg.pruningFraction()) * (1 - s), milestone);
        out.add(s);
      }
    }
    return out.build();
  }

  /** The settings, as provenance entries. */
  public Map<String, Object> settings() {
    Map<String, Object> m = SparseRuns.entries("imp", "imp.", cfg);
    m.put("imp.targetSparsity", cfg.milestones().get(cfg.milestones().size() - 1));
    m.put("imp.criterion", policy.scorer());
    m.put("imp.selector", Selector.prunableWeights());
    retrainer
        .settings()
        .forEach((k, v) -> m.put("imp." + k.replaceFirst("^retrained\\.", "retrainer."), v));
    return m;
  }

  private Map<String, Object> provenance(int level, double sparsity, Dataset train, Dataset test) {
    Map<String, Object> m = settings();
    m.put("imp.level", level);
    m.put("imp.sparsity", sparsity);
    Provenance.putData(m, "data.", train, test);
    return m;
  }

  private void notify(int level, double sparsity, SuperTicket ticket) {
    listeners.onRound(new DrawListener.RoundEvent(level, sparsity, ticket));
  }

  @Override
  public String toString() {
    return "ImpDrawer" + settings();
  }

  /** Copies the raw weights, masks and BN statistics once the rewind step is done. */
  private static final class RewindSnapshot implements StepHook {
    private final long step;
    private NetworkState state;

    RewindSnapshot(long step) {
      this.step = step;
    }

    @Override
    public void afterStep(Trainer trainer, int epoch) {
      if (trainer.globalStep() == step) {
        state = NetworkState.capture(trainer.model());
      }
    }

    boolean reached() {
      return state != null;
    }

    NetworkState state() {
      checkState(state != null, "the rewind step %s was never reached", step);
      return state;
    }

    @Override
    public HookState saveState() {
      return state == null ? HookState.EMPTY : HookState.builder().network("rewind", state).build();
    }

    @Override
    public void restoreState(HookState s) {
      state = s.hasNetwork("rewind") ? s.network("rewind") : null;
    }
  }

  /** Fluent configuration of an {@link ImpDrawer}; every setting but the space has a default. */
  public static final class Builder extends SparseDrawerBuilder<Builder> {
    static final double DEFAULT_TARGET = 0.9;
    private double pruningFraction = 0.2;
    private ImmutableList<Double> milestones;
    private Scope scope = Scope.GLOBAL;
    private long rewindSteps;

    private Builder(SearchSpace space) {
      super(space);
    }

    @Override
    Builder self() {
      return this;
    }

    /** Fraction of the still active weights pruned per level, in (0, 1); default 0.2 (OpenLTH). */
    public Builder pruningFraction(double p) {
      checkArgument(
          p > 0 && p < 1, "pruning fraction must be in (0, 1), got %s; OpenLTH uses 0.2", p);
      this.pruningFraction = p;
      return this;
    }

    /**
     * Stops at the first level reaching {@code s}, clamped to exactly {@code s}; default 0.9. The
     * same as {@code milestones(s)}.
     *
     * @throws IllegalStateException if milestones were set already
     */
    public Builder targetSparsity(double s) {
      return milestones(s);
    }

    /**
     * Sparsities every one of which some level hits exactly (a level that would cross one is
     * clamped to it); the last is the target. Strictly increasing, in (0, 1).
     *
     * @throws IllegalStateException if a target or milestones were set already
     */
    public Builder milestones(double first, double... more) {
      checkNotNull(more, "more milestones must not be null; pass none for a single target");
      checkState(
          milestones == null,
          "milestones were already set to %s; set the target or the milestones once",
          milestones);
      ImmutableList.Builder<Double> all = ImmutableList.builder();
      double previous = 0;
      double[] values = new double[more.length + 1];
      values[0] = first;
      System.arraycopy(more, 0, values, 1, more.length);
      for (double m : values) {
        checkArgument(
            m > 0 && m < 1,
            "milestone sparsity must be in (0, 1), got %s; e.g. 0.9 prunes 90%% of "
                + "the prunable weights",
            m);
        checkArgument(
            m > previous,
            "milestones must increase strictly, got %s after %s; list them in the order "
                + "IMP reaches them, e.g. 0.5, 0.8, 0.9",
            m,
            previous);
        previous = m;
        all.add(m);
      }
      this.milestones = all.build();
      return this;
    }

    /**
     * {@link Scope#GLOBAL} (OpenLTH's {@code sparse_global}, the default) or {@link
     * Scope#PER_LAYER}.
     */
    public Builder scope(Scope s) {
      MagnitudeMasks.policy(s, "imp");
      this.scope = s;
      return this;
    }

    /**
     * The rewind point: 0 (the default) rewinds to the initial weights, {@code r > 0} to the raw
     * weights after {@code r} optimizer steps of level 0, which must be fewer than the steps of one
     * training run.
     */
    public Builder rewindSteps(long r) {
      checkArgument(
          r >= 0,
          "rewind steps must not be negative, got %s; use 0 to rewind to initialisation",
          r);
      this.rewindSteps = r;
      return this;
    }

    /** The drawer; reusable. */
    public ImpDrawer build() {
      return new ImpDrawer(this);
    }
  }
}
