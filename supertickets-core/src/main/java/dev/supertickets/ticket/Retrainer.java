package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.train.AdamW;
import dev.supertickets.train.BnCalibration;
import dev.supertickets.train.L2Penalty;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.Metrics;
import dev.supertickets.train.RecipeChecks;
import dev.supertickets.train.Trainer;
import dev.supertickets.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Retrains a ticket's weights with its masks and architecture fixed: the last stage of the search,
 * prune, then retrain baseline, and the reference's {@code retrain.py} (SuperTickets §5). The
 * result is a new ticket with the same architecture and the same masks; only weights and BN
 * statistics change.
 *
 * <p>What it does: rebuilds the ticket's network (the layers apply {@code W_eff = M ⊙ W} and mask
 * the task gradient, so pruned weights stay inactive), trains it with a fresh AdamW (β 0.9/0.999,
 * eps 1e-3, as the drawer), explicit L2 on the raw weights, a fresh EMA, no shrinking and no
 * re-pruning, then takes the EMA weights and re-calibrates BN on training batches, as the drawer
 * finishes a ticket. Deviations from the reference: the optimizer, EMA and schedule start afresh
 * (the ticket file holds no optimizer state), and the resource penalty on BN scales is left out
 * (nothing is cut any more, so it would only shrink live channels).
 *
 * <p>Defaults: 10 epochs, batch 128, one-cycle to a peak of 0.01, weight decay 1e-5, EMA decay
 * 0.999, 10 calibration batches, evaluation every epoch, no augmentation, seed 1995. Immutable and
 * reusable: every call starts from the seed, so the same seed gives the same weights on the same
 * backend.
 */
public final class Retrainer {
  /**
   * The learning-rate schedule over the retraining steps, peaking at (or starting from) the
   * learning rate.
   */
  public enum Schedule {
    /**
     * PyTorch's OneCycleLR defaults: warm up from lr/25 over 30% of the steps, then cosine down to
     * near 0.
     */
    ONE_CYCLE,
    /**
     * Cosine from lr down to 0: fine-tuning from the trained weights, as the tail of the reference
     * schedule.
     */
    COSINE,
    /** The learning rate throughout. */
    CONSTANT;

    /** As provenance records it: {@code one-cycle}, {@code cosine} or {@code constant}. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    LrSchedule of(double lr, long steps) {
      return switch (this) {
        case ONE_CYCLE -> steps > 1 ? LrSchedule.oneCycle(lr, steps) : LrSchedule.constant(lr);
        case COSINE -> LrSchedule.cosine(lr, 0, steps);
        case CONSTANT -> LrSchedule.constant(lr);
      };
    }
  }

  /**
   * Every value of the recipe; its provenance ({@code retrained.NAME}) is derived from these
   * components.
   */
  private record Settings(
      int epochs,
      int batchSize,
      double learningRate,
      Schedule schedule,
      double weightDecay,
      double labelSmoothing,
      double emaDecay,
      int calibrationBatches,
      int evalInterval,
      long seed,
      Augmentation augmentation) {}

  private final Settings cfg;
  private final List<TrainingListener> listeners;
  private final java.util.function.LongFunction<LrSchedule> customSchedule;
  private final List<dev.supertickets.train.StepHook> hooks;
  private final List<dev.supertickets.train.Regularizer> regularizers;
  private final java.nio.file.Path checkpoint;

  private Retrainer(Builder b) {
    this.cfg =
        new Settings(
            b.epochs,
            b.batchSize,
            b.learningRate,
            b.schedule,
            b.weightDecay,
            b.labelSmoothing,
            b.emaDecay,
            b.calibrationBatches,
            b.evalInterval,
            b.seed,
            b.augmentation);
    this.listeners = List.copyOf(b.listeners);
    this.customSchedule = b.customSchedule;
    this.hooks = List.copyOf(b.hooks);
    this.regularizers = List.copyOf(b.regularizers);
    this.checkpoint = b.checkpoint;
  }

  /** Starts configuring a retrainer; every setting has a default (see the class). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Retrains {@code ticket} on {@code train} and returns the new ticket; {@code test} (may be null)
   * is evaluated with EMA weights and re-calibrated BN every {@code evalInterval} epochs and after
   * the last. The input ticket is not changed.
   */
  public SuperTicket retrain(SuperTicket ticket, Dataset train, Dataset test) {
    return retrain(ticket, train, test, null);
  }

  /**
   * {@link #retrain(SuperTicket, Dataset, Dataset)} updating only the parameters {@code trainable}
   * accepts.
   */
  SuperTicket retrain(
      SuperTicket ticket,
      Dataset train,
      Dataset test,
      java.util.function.Predicate<dev.supertickets.nn.Param> trainable) {
    checkNotNull(ticket, "ticket must not be null");
    DataChecks.checkFits(ticket.space(), train, "training", cfg.batchSize());
    if (test != null) {
      DataChecks.checkFits(ticket.space(), test, "test", 1);
    }
    Backend.init();
    long start = System.currentTimeMillis();
    RandomStreams seeds = new RandomStreams(cfg.seed());
    Supernet net =
        ticket.network(seeds.stream("init")); // "init" seeds dropout; the values are restored
    Loader trainLoader =
        Loader.builder(train)
            .batchSize(cfg.batchSize())
            .shuffle(true)
            .augmentation(cfg.augmentation())
            .normalization(ticket.normalization())
            .seed(seeds.stream("data").nextLong())
            .build();
    Loader testLoader =
        test == null ? null : Loader.forEvaluation(test, 256, ticket.normalization());
    long steps = (long) cfg.epochs() * trainLoader.batchesPerEpoch();
    Trainer.Builder tb =
        Trainer.builder(net)
            .loss(SuperTicket.lossFor(train, cfg.labelSmoothing()))
            .optimizer(new AdamW(0.9, 0.999, 1e-3, 0))
            .schedule(lrSchedule(steps))
            .l2(L2Penalty.onWeights(cfg.weightDecay()))
            .ema(cfg.emaDecay())
            .bnCalibration(cfg.calibrationBatches());
    listeners.forEach(tb::listener);
    hooks.forEach(tb::stepHook);
    regularizers.forEach(tb::regularizer);
    if (trainable != null) {
      tb.trainable(trainable);
    }
    Trainer trainer = tb.build();
    // the identity hashes the input ticket: only a checkpointed run needs it
    Map<String, Object> identity = checkpoint == null ? null : identity(ticket, train, test);
    RunCheckpoint from = checkpoint == null ? null : resumePoint(identity);
    // observers (progress, reports) may differ between the run that wrote a checkpoint and the
    // one resuming it, and change no number of the ticket
    List<dev.supertickets.train.StepHook> kept =
        hooks.stream().filter(dev.supertickets.train.StepHook::changesModel).toList();
    if (from != null) {
      from.restore(trainer, kept, checkpoint);
    }
    SuperTicket template = ticket;
    Metrics last =
        trainer.fit(
            trainLoader,
            testLoader,
            from == null ? 0 : from.epochsDone,
            cfg.epochs(),
            cfg.evalInterval(),
            (epoch, elapsed) -> {
              if (checkpoint != null && epoch < cfg.epochs() - 1) {
                RunCheckpoint.write(
                    checkpoint,
                    template.withState(NetworkState.capture(net), identity),
                    trainer,
                    kept,
                    epoch + 1);
              }
            });
    // the same finish as a draw: EMA weights, BN re-calibrated on the batches the last evaluation
    // used
    if (trainer.ema() != null) {
      trainer.ema().swap();
    }
    BnCalibration.recalibrate(net, trainLoader, cfg.calibrationBatches(), cfg.epochs() - 1);
    Map<String, Object> p = settings();
    p.put(
        "retrained.from",
        ticket.provenance().get("method") == null ? "unknown" : ticket.provenance().get("method"));
    Provenance.putData(p, "retrained.data.", train, test);
    p.put("retrained.testAccuracy", last == null ? "n/a" : last.accuracy());
    p.put("retrained.wallMillis", System.currentTimeMillis() - start);
    if (from != null) {
      p.put("retrained.resumedAfterEpochs", from.epochsDone);
    }
    return ticket.withState(NetworkState.capture(net), p);
  }

  /**
   * What a checkpoint must have been written by: these settings, the data and the very input ticket
   * (its numbers' SHA-256).
   */
  private Map<String, Object> identity(SuperTicket ticket, Dataset train, Dataset test) {
    Map<String, Object> m = settings();
    Provenance.putData(m, "retrained.data.", train, test);
    m.put("retrained.input", ticket.fingerprint());
    return m;
  }

  private RunCheckpoint resumePoint(Map<String, Object> identity) {
    if (!dev.supertickets.io.AtomicFiles.exists(checkpoint)) {
      return null;
    }
    try {
      RunCheckpoint c = RunCheckpoint.read(checkpoint);
      Provenance.checkSameSettings(checkpoint, identity, c.net.provenance().entries());
      checkArgument(
          c.epochsDone < cfg.epochs(),
          "checkpoint %s is after epoch %s of a run of %s epochs; delete it to start afresh",
          checkpoint,
          c.epochsDone,
          cfg.epochs());
      return c;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not read checkpoint " + checkpoint, e);
    }
  }

  /** The settings as {@code retrained.*} provenance entries. */
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    // enums as provenance spells them (one-cycle), not as the map would hold them
    dev.supertickets.io.RecordComponents.of(cfg)
        .forEach((k, v) -> m.put("retrained." + k, v instanceof Enum<?> e ? e.toString() : v));
    m.put("retrained.optimizer", "AdamW(0.9, 0.999, eps 1e-3), fresh");
    if (customSchedule != null) {
      m.put("retrained.schedule", "custom");
    }
    if (!regularizers.isEmpty()) {
      m.put("retrained.regularizers", regularizers.toString());
    }
    long changing = hooks.stream().filter(dev.supertickets.train.StepHook::changesModel).count();
    m.put("retrained.masks", changing == 0 ? "fixed" : "changed by " + changing + " step hook(s)");
    return m;
  }

  /**
   * A builder holding every setting of this retrainer (listeners, hooks and regularizers included):
   * how the sparse-training drawers add their own hooks to the recipe a user gives them.
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.epochs = cfg.epochs();
    b.batchSize = cfg.batchSize();
    b.learningRate = cfg.learningRate();
    b.schedule = cfg.schedule();
    b.weightDecay = cfg.weightDecay();
    b.labelSmoothing = cfg.labelSmoothing();
    b.emaDecay = cfg.emaDecay();
    b.calibrationBatches = cfg.calibrationBatches();
    b.evalInterval = cfg.evalInterval();
    b.seed = cfg.seed();
    b.augmentation = cfg.augmentation();
    b.listeners.addAll(listeners);
    b.customSchedule = customSchedule;
    b.hooks.addAll(hooks);
    b.regularizers.addAll(regularizers);
    b.checkpoint = checkpoint;
    return b;
  }

  /**
   * The learning-rate schedule this retrainer trains with over {@code totalSteps} steps (its custom
   * schedule if it has one): e.g. the first phase of a composed schedule such as Sup-tickets'.
   */
  public LrSchedule lrSchedule(long totalSteps) {
    checkArgument(
        totalSteps > 0,
        "total steps must be positive, got %s; an epoch has at least one batch",
        totalSteps);
    return customSchedule != null
        ? customSchedule.apply(totalSteps)
        : cfg.schedule().of(cfg.learningRate(), totalSteps);
  }

  /** Mini-batch size. */
  public int batchSize() {
    return cfg.batchSize();
  }

  /** The seed of data order, augmentation and dropout. */
  public long seed() {
    return cfg.seed();
  }

  /** Retraining epochs. */
  public int epochs() {
    return cfg.epochs();
  }

  @Override
  public String toString() {
    return "Retrainer" + settings();
  }

  /** Fluent configuration of a {@link Retrainer}; see the class for the defaults. */
  public static final class Builder {
    private int epochs = 10;
    private int batchSize = 128;
    private double learningRate = 0.01;
    private Schedule schedule = Schedule.ONE_CYCLE;
    private double weightDecay = 1e-5;
    private double labelSmoothing;
    private double emaDecay = 0.999;
    private int calibrationBatches = 10;
    private int evalInterval = 1;
    private long seed = 1995;
    private Augmentation augmentation = Augmentation.none();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private java.util.function.LongFunction<LrSchedule> customSchedule;
    private final List<dev.supertickets.train.StepHook> hooks = new ArrayList<>();
    private final List<dev.supertickets.train.Regularizer> regularizers = new ArrayList<>();
    private java.nio.file.Path checkpoint;

    private Builder() {}

    /** Retraining epochs, positive; default 10. */
    public Builder epochs(int n) {
      this.epochs = RecipeChecks.epochs(n);
      return this;
    }

    /** Mini-batch size, positive; default 128. */
    public Builder batchSize(int n) {
      this.batchSize = RecipeChecks.batchSize(n);
      return this;
    }

    /** Peak (one-cycle), starting (cosine) or constant learning rate. */
    public Builder learningRate(double lr) {
      this.learningRate = RecipeChecks.learningRate(lr);
      return this;
    }

    /** The learning-rate schedule; default {@link Schedule#ONE_CYCLE}. */
    public Builder schedule(Schedule s) {
      this.schedule = checkNotNull(s, "schedule must not be null; use Schedule.ONE_CYCLE");
      return this;
    }

    /** Explicit L2 on raw conv and linear weights, masked entries included, as in the draw. */
    public Builder weightDecay(double wd) {
      this.weightDecay = RecipeChecks.weightDecay(wd);
      return this;
    }

    /**
     * Label smoothing of the training loss, in [0, 1); default 0 (evaluation always uses plain
     * cross-entropy).
     */
    public Builder labelSmoothing(double eps) {
      this.labelSmoothing = RecipeChecks.labelSmoothing(eps);
      return this;
    }

    /** EMA decay in (0, 1), or 0 to keep no EMA (the ticket then holds the last live weights). */
    public Builder emaDecay(double d) {
      this.emaDecay = RecipeChecks.emaDecayOrOff(d);
      return this;
    }

    /**
     * Training batches over which BN statistics are re-estimated before evaluations and at the end.
     */
    public Builder calibrationBatches(int n) {
      this.calibrationBatches = RecipeChecks.calibrationBatches(n);
      return this;
    }

    /** Evaluate the test data every this many epochs (and always after the last). */
    public Builder evalInterval(int n) {
      this.evalInterval = RecipeChecks.evalInterval(n);
      return this;
    }

    /** Seeds data order, augmentation and dropout. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Training-time augmentation; default none. */
    public Builder augmentation(Augmentation a) {
      this.augmentation = checkNotNull(a, "augmentation must not be null; use Augmentation.none()");
      return this;
    }

    /** Adds a listener told about every epoch (may be called several times). */
    public Builder listener(TrainingListener l) {
      listeners.add(checkNotNull(l, "listener must not be null"));
      return this;
    }

    /**
     * A schedule of its own, built from the run's total number of steps, in place of {@link
     * #schedule(Schedule)} and {@link #learningRate}: e.g. Sup-tickets' one-cycle then cyclic
     * phase.
     */
    public Builder lrSchedule(java.util.function.LongFunction<LrSchedule> fromTotalSteps) {
      this.customSchedule =
          checkNotNull(
              fromTotalSteps,
              "schedule factory must not be null; use schedule(Schedule) for the built-in ones");
      return this;
    }

    /**
     * Adds code run after every optimizer step (may be called several times): with hooks the masks
     * need not stay fixed, which is how the sparse-training drawers of {@code
     * dev.supertickets.sparse} train.
     */
    public Builder stepHook(dev.supertickets.train.StepHook hook) {
      hooks.add(checkNotNull(hook, "step hook must not be null"));
      return this;
    }

    /** Adds an extra loss term, e.g. Early-bird's L1 on BN scales (may be called several times). */
    public Builder regularizer(dev.supertickets.train.Regularizer r) {
      regularizers.add(checkNotNull(r, "regularizer must not be null"));
      return this;
    }

    /**
     * Writes a checkpoint of the run to {@code file} after every epoch but the last (atomically,
     * the previous one kept as {@code NAME.prev}), and continues from it when the file exists as a
     * run starts: a run killed mid-way, run again, ends with the ticket of an uninterrupted run,
     * bit for bit on the same backend (its step hooks' states included, see {@link
     * dev.supertickets.train.StepHook#saveState}). A file written by a run with other settings,
     * data or input ticket is refused, naming the setting. Default none.
     */
    public Builder checkpoint(java.nio.file.Path file) {
      this.checkpoint =
          checkNotNull(file, "checkpoint file must not be null; leave it unset for none");
      return this;
    }

    /** The retrainer; reusable. */
    public Retrainer build() {
      return new Retrainer(this);
    }
  }
}
