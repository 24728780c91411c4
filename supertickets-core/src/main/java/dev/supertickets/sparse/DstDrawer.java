package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.DrawListeners;
import dev.supertickets.draw.TicketDrawer;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Scope;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.ticket.DataChecks;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.LrSchedule;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Dynamic sparse training, sparse from the first step (C.2 of the related-algorithms spec): SET
 * (random growth) and RigL (gradient growth) on the whole supernet of a search space, optionally
 * followed by the Sup-tickets phase ({@link SupTickets}).
 *
 * <p>A draw starts from {@link SuperTicket#initial} with the drawer's seed and installs random
 * masks with exact per-tensor counts on the prunable weights ({@link Scope#quotas} of the
 * distribution, so the sparsity is the target from the start). The {@link Retrainer} recipe then
 * trains it, with a step hook that every {@code ΔT} steps up to {@code T_end} drops, in each
 * tensor, the {@code floor(f(t) · n_active)} active weights of smallest {@code |w| + N(0, 1e-5)}
 * and grows as many among the inactive ones (the just-dropped included), by U(0, 1) for SET or by
 * the magnitude of the dense loss gradient for RigL, with the cosine drop fraction {@code f(t) =
 * α/2 (1 + cos(π t / T_end))}. New connections start at 0, and so do their optimizer moments and
 * EMA shadows. RigL's gradient is taken on one batch of a separate, seeded loader over the training
 * data: the trainer's current batch is not exposed to hooks, so each update reads "the next batch"
 * of that loader.
 *
 * <p>Defaults: SET growth, sparsity 0.9 with ERK densities, {@code α = 0.3}, {@code ΔT = 100}
 * steps, {@code T_end} at 0.75 of the steps, seed 1995 (it replaces the recipe's own), {@code
 * Retrainer.builder().build()} as the recipe, normalisation computed on the training data.
 * Immutable and reusable: every draw starts from the seed, and the same seed gives a bit-identical
 * ticket on the same backend.
 */
public final class DstDrawer implements TicketDrawer {
  /** How dropped connections are regrown. */
  public enum Growth {
    /** SET: uniformly at random among the inactive weights. */
    RANDOM,
    /** RigL: where the dense loss gradient is largest in magnitude. */
    GRADIENT;

    /** As provenance records it: {@code random (SET)} or {@code gradient (RigL)}. */
    @Override
    public String toString() {
      return this == RANDOM ? "random (SET)" : "gradient (RigL)";
    }
  }

  /** Every setting that decides a DST ticket besides the recipe; its provenance is derived. */
  private record Settings(
      long seed,
      Growth growth,
      double targetSparsity,
      Scope distribution,
      double dropFraction,
      int updateInterval,
      double endFraction,
      Normalization normalization) {}

  private final SearchSpace space;
  private final Retrainer retrainer;
  private final Settings cfg;
  private final SupTickets supTickets;
  private final DrawListeners listeners;
  private final java.nio.file.Path checkpoint;

  private DstDrawer(Builder b) {
    this.space = b.space;
    this.retrainer = b.recipe();
    this.cfg =
        new Settings(
            b.seed,
            b.growth,
            b.targetSparsity,
            b.distribution,
            b.dropFraction,
            b.updateInterval,
            b.endFraction,
            b.normalization);
    this.supTickets = b.supTickets;
    this.listeners = DrawListeners.of(b.drawListeners);
    this.checkpoint = b.checkpoint;
  }

  /**
   * Starts configuring a drawer on the supernet of {@code space}; see the class for the defaults.
   */
  public static Builder builder(SearchSpace space) {
    return new Builder(space);
  }

  /** A builder preset to SET: random growth. */
  public static Builder set(SearchSpace space) {
    return builder(space).growth(Growth.RANDOM);
  }

  /** A builder preset to RigL: gradient growth. */
  public static Builder rigl(SearchSpace space) {
    return builder(space).growth(Growth.GRADIENT);
  }

  /**
   * Trains the sparse supernet on {@code train} ({@code test}, may be null, is evaluated by the
   * recipe) and returns it as a ticket at the target sparsity: with Sup-tickets, the last
   * superposed, re-pruned and BN re-calibrated average {@code θ̄_K} instead of the trained model.
   */
  @Override
  public SuperTicket draw(Dataset train, Dataset test) {
    Retrainer recipe = retrainer;
    int batchesPerEpoch = SparseRuns.stepsPerEpoch(space, train, recipe);
    if (test != null) {
      DataChecks.checkFits(space, test, "test", 1);
    }
    Backend.init();
    RandomStreams streams = new RandomStreams(cfg.seed());
    Normalization norm =
        cfg.normalization() != null ? cfg.normalization() : Normalization.of(train);
    SuperTicket start = sparseStart(norm, streams.stream("dst/initial-masks").nextLong());
    SupTickets.Split split = supTickets == null ? null : supTickets.split(recipe.epochs());
    long dstSteps = (long) (split == null ? recipe.epochs() : split.preEpochs()) * batchesPerEpoch;
    long endStep = (long) Math.floor(cfg.endFraction() * dstSteps);
    Loader gradientData =
        cfg.growth() == Growth.GRADIENT
            ? Loader.builder(train)
                .batchSize(recipe.batchSize())
                .shuffle(true)
                .normalization(norm)
                .seed(streams.stream("dst/gradient-data").nextLong())
                .build()
            : null;
    DstUpdates updates =
        new DstUpdates(
            cfg.growth(),
            cfg.dropFraction(),
            cfg.updateInterval(),
            endStep,
            streams.stream("dst/updates").nextLong(),
            gradientData,
            SuperTicket.lossFor(train),
            cfg.targetSparsity(),
            listeners);
    Retrainer.Builder run = recipe.toBuilder().stepHook(updates);
    SupTicketsPhase phase = null;
    long prunable = start.state().masks().values().stream().mapToLong(INDArray::length).sum();
    long budget = SupTicketsPhase.budget(cfg.targetSparsity(), prunable);
    if (supTickets != null) {
      LrSchedule phase1 = recipe.lrSchedule(dstSteps);
      run.lrSchedule(total -> supTickets.schedule(phase1, dstSteps, batchesPerEpoch));
      Loader calibration =
          Loader.builder(train)
              .batchSize(recipe.batchSize())
              .shuffle(true)
              .normalization(norm)
              .seed(streams.stream("sup/calibration").nextLong())
              .build();
      phase =
          new SupTicketsPhase(
              supTickets, split, batchesPerEpoch, updates, start, calibration, budget);
      run.stepHook(phase);
    }
    SuperTicket trained =
        SparseRuns.progress(checkpoint, settings(), recipe, train, test)
            .checkpointed(run.build(), "train")
            .retrain(start, train, test);
    Map<String, Object> p = settings();
    Provenance.putData(p, "data.", train, test);
    p.put("dst.steps", dstSteps);
    p.put("dst.endStep", endStep);
    p.put("dst.updates", updates.updates());
    p.put("dst.regrown", updates.regrown());
    if (phase == null) {
      return trained.withState(trained.state(), p);
    }
    p.put("supTickets.preEpochs", split.preEpochs());
    p.put("supTickets.cyclicEpochs", split.cyclicEpochs());
    p.put("supTickets.tickets", phase.tickets());
    p.put("supTickets.budget", budget + " of " + prunable);
    p.put("supTickets.cycleSparsity", phase.cycleSparsity());
    p.put("supTickets.reExplorations", phase.reExplorations());
    SuperTicket superposed = trained.withState(phase.result(), p);
    // the recipe evaluated its own (EMA) weights; the result is the superposed average
    String accuracy = test == null ? "n/a" : String.valueOf(superposed.evaluate(test).accuracy());
    return superposed.withState(
        superposed.state(),
        Map.of(
            "retrained.testAccuracy",
            "n/a (see " + "supTickets.testAccuracy)",
            "supTickets.testAccuracy",
            accuracy));
  }

  /** The initial supernet with random masks of exact per-tensor counts on its prunable weights. */
  private SuperTicket sparseStart(Normalization norm, long maskSeed) {
    SuperTicket init = SuperTicket.initial(space, norm, cfg.seed());
    Supernet net = init.network();
    Masks.install(
        MaskPolicies.random(maskSeed)
            .scope(cfg.distribution())
            .masks(MaskContext.of(net), cfg.targetSparsity()));
    return init.withState(
        NetworkState.capture(net), Map.of("initialMasks", "random, " + cfg.distribution()));
  }

  /** Every setting as provenance entries ({@code dst.*}, {@code supTickets.*}). */
  public Map<String, Object> settings() {
    Map<String, Object> m =
        SparseRuns.entries(
            (cfg.growth() == Growth.RANDOM ? "set" : "rigl")
                + (supTickets == null ? "" : "+sup-tickets"),
            "dst.",
            cfg);
    m.put("space", space.name());
    m.put("dst.dropSchedule", "cosine");
    m.put("dst.dropNoiseStd", DstUpdates.DROP_NOISE_STD);
    if (cfg.growth() == Growth.GRADIENT) {
      m.put("dst.gradientBatch", "one batch of a separate seeded loader per update");
    }
    if (supTickets != null) {
      m.putAll(supTickets.settings());
    }
    return m;
  }

  @Override
  public String toString() {
    return "DstDrawer" + settings();
  }

  /**
   * Fluent configuration of a {@link DstDrawer}; every setting is recorded in the ticket's
   * provenance.
   */
  public static final class Builder extends SparseDrawerBuilder<Builder> {
    private Growth growth = Growth.RANDOM;
    private double targetSparsity = 0.9;
    private Scope distribution = Scope.ERK;
    private double dropFraction = 0.3;
    private int updateInterval = 100;
    private double endFraction = 0.75;
    private SupTickets supTickets;

    private Builder(SearchSpace space) {
      super(space);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * How connections are regrown: {@link Growth#RANDOM} (SET, the default) or {@link
     * Growth#GRADIENT} (RigL).
     */
    public Builder growth(Growth g) {
      this.growth =
          checkNotNull(
              g, "growth must not be null; use Growth.RANDOM (SET) or Growth.GRADIENT (RigL)");
      return this;
    }

    /**
     * The sparsity of the prunable weights, in (0, 1), held from the first to the last step;
     * default 0.9.
     */
    public Builder targetSparsity(double s) {
      checkArgument(
          s > 0 && s < 1,
          "target sparsity must be in (0, 1), got %s; dynamic sparse training is "
              + "sparse from the start, e.g. 0.9",
          s);
      this.targetSparsity = s;
      return this;
    }

    /**
     * How the sparsity is spread over tensors: {@link Scope#PER_LAYER} (uniform) or {@link
     * Scope#ERK} (the default), with exact per-tensor counts.
     */
    public Builder distribution(Scope scope) {
      checkNotNull(scope, "distribution must not be null; use Scope.ERK or Scope.PER_LAYER");
      checkArgument(
          scope != Scope.GLOBAL,
          "distribution must be Scope.PER_LAYER (uniform) or Scope.ERK, got GLOBAL; dynamic sparse"
              + " training keeps fixed per-tensor counts, which a global ranking does not give");
      this.distribution = scope;
      return this;
    }

    /**
     * The initial drop fraction {@code α}, in (0, 1), decayed by cosine to 0 at {@code T_end};
     * default 0.3.
     */
    public Builder dropFraction(double alpha) {
      checkArgument(
          alpha > 0 && alpha < 1, "drop fraction must be in (0, 1), got %s; RigL uses 0.3", alpha);
      this.dropFraction = alpha;
      return this;
    }

    /** Steps {@code ΔT} between mask updates, positive; default 100. */
    public Builder updateInterval(int steps) {
      checkArgument(
          steps > 0,
          "update interval must be a positive number of steps, got %s; RigL uses 100",
          steps);
      this.updateInterval = steps;
      return this;
    }

    /**
     * {@code T_end} as a fraction in (0, 1] of the sparse-training steps (with Sup-tickets, of the
     * first phase); no mask update after it; default 0.75.
     */
    public Builder endFraction(double f) {
      checkArgument(
          f > 0 && f <= 1,
          "end fraction must be in (0, 1], got %s; RigL stops updating masks at 0.75 "
              + "of the steps",
          f);
      this.endFraction = f;
      return this;
    }

    /** Adds the Sup-tickets phase at the end of the run; off by default. */
    public Builder supTickets(SupTickets s) {
      this.supTickets =
          checkNotNull(s, "sup-tickets settings must not be null; leave them unset for plain DST");
      return this;
    }

    /** The drawer; reusable. */
    public DstDrawer build() {
      return new DstDrawer(this);
    }
  }
}
