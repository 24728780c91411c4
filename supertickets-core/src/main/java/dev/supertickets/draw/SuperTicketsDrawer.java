package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicy;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.Selector;
import dev.supertickets.parallel.DataParallel;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.RecipeChecks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two-in-one loop of SuperTickets (§7 of the algorithm spec): train the supernet with the
 * resource-aware L1 penalty on BN scales; at evaluation epochs evaluate with EMA weights and
 * re-calibrated BN and cut the channels whose EMA scale fell below the threshold (when the cut
 * saves enough MACs, and always at the last epoch, where the EMA alone decides); at prune epochs
 * re-score every prunable weight and re-prune to the sparsity its {@link PruneSchedule} gives,
 * which reaches the target before the end (by default at three quarters of the run) so that the
 * last epochs train at the target. The ticket is the supernet after the last epoch's re-prune, with
 * its EMA weights, masks and re-calibrated BN. The training loss is the {@link Recipe}'s (label
 * smoothing; a dense data set's ignore label honoured). With target sparsity 0 the same loop is the
 * search-only baseline (HR-NAS). An optional {@linkplain Builder#macsBudget(long) MACs budget} ends
 * the search early, once the cut supernet fits it.
 */
public final class SuperTicketsDrawer implements TicketDrawer {
  private final DrawSettings cfg;
  private final DrawListeners listeners;
  private final Path checkpoint;
  private final int checkpointSteps;
  private final DataParallel parallel;

  private SuperTicketsDrawer(
      DrawSettings cfg,
      List<DrawListener> listeners,
      Path checkpoint,
      int checkpointSteps,
      DataParallel parallel) {
    this.cfg = cfg;
    this.listeners = DrawListeners.of(listeners);
    this.checkpoint = checkpoint;
    this.checkpointSteps = checkpointSteps;
    this.parallel = parallel;
  }

  /**
   * Starts configuring a draw from the supernet of {@code space}; every setting has a default (see
   * each setter).
   */
  public static Builder builder(SearchSpace space) {
    return new Builder(space);
  }

  @Override
  public SuperTicket draw(Dataset train, Dataset test) {
    return run(train, test, null);
  }

  /**
   * Continues a draw from its checkpoint (see {@link Builder#checkpoint(Path, int)}) to the end,
   * with this drawer configured as the one that wrote it and the same data: the ticket is then the
   * one the uninterrupted draw would have drawn, bit for bit on the same backend. Settings that
   * decide the ticket are compared with those recorded in the checkpoint and a mismatch is refused;
   * the mask policy, selector and augmentation are taken on trust. Listeners first get {@link
   * DrawListener#onResume} with the finished epochs' events.
   *
   * @throws dev.supertickets.io.FileFormatException if the checkpoint (and its {@code .prev}) is
   *     damaged
   */
  public SuperTicket resume(Path checkpoint, Dataset train, Dataset test) throws IOException {
    checkNotNull(checkpoint, "checkpoint path must not be null");
    checkNotNull(
        train, "training data must not be null; pass the data the checkpointed draw trained on");
    DrawCheckpoint c = DrawCheckpoint.read(checkpoint);
    Map<String, Object> mine = JointLoop.checkpointSettings(cfg, train, test);
    Provenance.checkSameSettings(checkpoint, mine, c.settings());
    return run(train, test, c);
  }

  /**
   * Every setting of this drawer, as its tickets' provenance records them; fixed when the drawer
   * was built.
   */
  public Map<String, Object> settings() {
    return java.util.Collections.unmodifiableMap(cfg.entries());
  }

  private SuperTicket run(Dataset train, Dataset test, DrawCheckpoint from) {
    return new JointLoop(cfg, listeners, checkpoint, checkpointSteps, parallel)
        .run(train, test, from);
  }

  /**
   * Fluent configuration; every setting is recorded in the ticket's provenance. The training recipe
   * starts as {@link Recipe#standard()}; {@link #recipe(Recipe)} replaces it whole and the single
   * setters change one value.
   */
  public static final class Builder {
    private final SearchSpace space;
    private long seed = 1995;
    private int epochs = 10;
    private double targetSparsity = 0.9;
    private int batchSize;
    private double learningRate;
    private double weightDecay;
    private double labelSmoothing;
    private double rho;
    private double rhoWarmup;
    private double rhoWarmupEpochs = -1;
    private double emaDecay;
    private int calibrationBatches;
    private Augmentation augmentation;
    private PruneSchedule pruneSchedule;
    private Scope pruneScope;
    private double shrinkThreshold;
    private double minShrinkFraction;
    private int minPruneEvents;
    private int evalInterval = 1;
    private int pruneInterval = 1;
    private long macsBudget;
    private boolean search = true;
    private Reactivation reactivation = Reactivation.REFERENCE;
    private MaskPolicy policy;
    private Selector selector = Selector.prunableWeights();
    private Normalization normalization;
    private final List<DrawListener> listeners = new ArrayList<>();
    private DataParallel dataParallel;
    private Path checkpoint;
    private int checkpointSteps;

    private Builder(SearchSpace space) {
      this.space = checkNotNull(space, "search space must not be null");
      recipe(Recipe.standard());
    }

    /**
     * Sets every value of the training recipe at once (batch, optimizer, loss, penalty, EMA,
     * calibration, augmentation, prune schedule, shrink rule); {@link Recipe#reference()} asks for
     * the official code's.
     */
    public Builder recipe(Recipe r) {
      checkNotNull(r, "recipe must not be null; e.g. Recipe.standard() or Recipe.reference()");
      batchSize = r.batchSize();
      learningRate = r.learningRate();
      weightDecay = r.weightDecay();
      labelSmoothing = r.labelSmoothing();
      rho = r.rho();
      rhoWarmup = r.rhoWarmup();
      rhoWarmupEpochs = -1;
      emaDecay = r.emaDecay();
      calibrationBatches = r.calibrationBatches();
      augmentation = r.augmentation();
      pruneSchedule = r.pruneSchedule();
      pruneScope = r.pruneScope();
      shrinkThreshold = r.shrinkThreshold();
      minShrinkFraction = r.minShrinkFraction();
      minPruneEvents = r.minPruneEvents();
      return this;
    }

    /**
     * The recipe as configured so far (an explicit {@link #rhoWarmupEpochs} is turned into its
     * fraction).
     */
    public Recipe recipe() {
      double warmup = rhoWarmupEpochs >= 0 ? Math.min(1, rhoWarmupEpochs / epochs) : rhoWarmup;
      return new Recipe(
          batchSize,
          learningRate,
          weightDecay,
          labelSmoothing,
          rho,
          warmup,
          emaDecay,
          calibrationBatches,
          augmentation,
          pruneSchedule,
          pruneScope,
          shrinkThreshold,
          minShrinkFraction,
          minPruneEvents);
    }

    /** The rho warm-up in epochs: the one set explicitly, else the recipe's fraction of the run. */
    private double rhoWarmupEpochs() {
      return rhoWarmupEpochs >= 0 ? rhoWarmupEpochs : rhoWarmup * epochs;
    }

    /**
     * The one seed behind initialisation, data order, augmentation, dropout and pruning; default
     * 1995.
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Training epochs, positive; default 10. */
    public Builder epochs(int n) {
      this.epochs = RecipeChecks.epochs(n);
      return this;
    }

    /** Mini-batch size, positive; default the recipe's (128). */
    public Builder batchSize(int n) {
      this.batchSize = RecipeChecks.batchSize(n);
      return this;
    }

    /** Peak learning rate of the one-cycle AdamW schedule; default the recipe's. */
    public Builder learningRate(double lr) {
      this.learningRate = RecipeChecks.learningRate(lr);
      return this;
    }

    /** Explicit L2 on raw conv and linear weights, masked entries included (reference: 1e-5). */
    public Builder weightDecay(double wd) {
      this.weightDecay = RecipeChecks.weightDecay(wd);
      return this;
    }

    /**
     * Label smoothing of the training loss, in [0, 1) (reference: 0.1); evaluation uses plain
     * cross-entropy.
     */
    public Builder labelSmoothing(double eps) {
      this.labelSmoothing = RecipeChecks.labelSmoothing(eps);
      return this;
    }

    /**
     * Maximum weight of the resource-aware L1 penalty (reference: 1.8e-4 ImageNet, 1.4e-4
     * segmentation).
     */
    public Builder rho(double r) {
      checkArgument(
          r >= 0 && Double.isFinite(r),
          "rho must be finite and non-negative, got %s; e.g. 1.8e-4",
          r);
      this.rho = r;
      return this;
    }

    /**
     * Epochs over which rho rises linearly from 0; default the recipe's fraction of the run (1/12).
     */
    public Builder rhoWarmupEpochs(double epochs) {
      checkArgument(
          epochs >= 0 && Double.isFinite(epochs),
          "rho warm-up must be finite and non-negative, got %s; "
              + "e.g. one twelfth of the epochs",
          epochs);
      this.rhoWarmupEpochs = epochs;
      return this;
    }

    /**
     * EMA decay after its warm-up {@code min(decay, (1+n)/(10+n))}; default the reference's
     * 0.9999^(batch/4096).
     */
    public Builder emaDecay(double d) {
      this.emaDecay = RecipeChecks.emaDecay(d);
      return this;
    }

    /**
     * Batches on which BN statistics are re-estimated before each evaluation and at the end;
     * default 10.
     */
    public Builder calibrationBatches(int n) {
      this.calibrationBatches = RecipeChecks.calibrationBatches(n);
      return this;
    }

    /** Evaluate (and consider shrinking) every this many epochs. */
    public Builder evalInterval(int n) {
      this.evalInterval = RecipeChecks.evalInterval(n);
      return this;
    }

    /** Re-prune every this many epochs (and at the last one). */
    public Builder pruneInterval(int n) {
      checkArgument(n > 0, "prune interval must be positive, got %s", n);
      this.pruneInterval = n;
      return this;
    }

    /** Final unstructured sparsity over the prunable weights; 0 turns pruning off (search only). */
    public Builder targetSparsity(double s) {
      checkArgument(s >= 0 && s < 1, "target sparsity must be in [0, 1), got %s", s);
      this.targetSparsity = s;
      return this;
    }

    /**
     * How the default magnitude policy spreads the sparsity over the tensors; default the recipe's.
     */
    public Builder pruneScope(Scope s) {
      this.pruneScope = checkNotNull(s, "prune scope must not be null; e.g. Scope.ERK");
      return this;
    }

    /** How the sparsity rises to the target; default the recipe's. */
    public Builder pruneSchedule(PruneSchedule p) {
      this.pruneSchedule =
          checkNotNull(p, "prune schedule must not be null; e.g. PruneSchedule.linear(0.75)");
      return this;
    }

    /**
     * Shorthand for {@code pruneSchedule(PruneSchedule.steps(s))}: {@code s} more sparsity per
     * prune event.
     */
    public Builder sparsityStep(double s) {
      checkArgument(s > 0 && s <= 1, "sparsity step must be in (0, 1], got %s", s);
      return pruneSchedule(PruneSchedule.steps(s));
    }

    /**
     * The least number of prune events; when the prune epochs give fewer, the events are spread
     * evenly over the training steps, so that a 3-epoch draw still rises to its target in 12 small
     * steps (default: the recipe's).
     */
    public Builder minPruneEvents(int n) {
      checkArgument(
          n >= 1,
          "the least number of prune events must be at least 1 (one per prune epoch), got %s; "
              + "e.g. 12",
          n);
      this.minPruneEvents = n;
      return this;
    }

    /** |γ| at or below which a channel is dead (reference: 1e-3). */
    public Builder shrinkThreshold(double t) {
      checkArgument(
          t >= 0 && Double.isFinite(t),
          "shrink threshold must be finite and non-negative, got %s; e.g. " + "1e-3",
          t);
      this.shrinkThreshold = t;
      return this;
    }

    /**
     * Caps the ticket's dense MACs per image (at the space's input size, every weight of the cut
     * architecture counted, masks ignored, as {@code SuperTicket.cost().macs()}); optional, off by
     * default.
     *
     * <p>Semantics: the search runs as usual until a shrink leaves the supernet at or below the
     * budget. From then on the search is over: no further channel cuts (the last epoch's EMA-only
     * shrink included) and the resource-aware L1 penalty is switched off, since it could only
     * weaken channels that are no longer removed; training and progressive pruning go on to the
     * target sparsity as without a budget. One shrink removes every dead channel at once, so the
     * ticket may end below the budget. A budget at or above the dense supernet's MACs means no
     * search at all. If no shrink ever reaches the budget (rho too small, too few epochs), the draw
     * does not fail: the ticket is what the search reached, its provenance says {@code
     * draw.macsBudgetMet=false} and listeners see it in {@link DrawListener.DrawSummary}. Recorded
     * in provenance as {@code macsBudget}, {@code draw.macsBudgetMet} and {@code
     * draw.macsBudgetMetAtEpoch}.
     */
    public Builder macsBudget(long macs) {
      checkArgument(
          macs > 0,
          "macs budget must be positive, got %s; pass the most dense MACs per image the ticket "
              + "may have (e.g. half of space.cost().macs())",
          macs);
      this.macsBudget = macs;
      return this;
    }

    /**
     * The mask policy: the one given, or magnitude pruning in the recipe's scope (global: the
     * reference's).
     */
    private MaskPolicy policy() {
      if (policy != null) {
        return policy;
      }
      return recipe().maskPolicy();
    }

    /**
     * Turns the architecture search (shrinking) on or off; off with pruning on is sparse training
     * alone.
     */
    public Builder search(boolean on) {
      this.search = on;
      return this;
    }

    /** How pruned weights come back during the draw; default {@link Reactivation#REFERENCE}. */
    public Builder reactivation(Reactivation r) {
      this.reactivation = checkNotNull(r, "reactivation must not be null");
      return this;
    }

    /**
     * How weights are scored and pruned at each prune event; default magnitude pruning in the
     * recipe's {@linkplain Recipe#pruneScope() scope} (the reference recipe's: global, with the
     * reference's ties).
     */
    public Builder maskPolicy(MaskPolicy p) {
      this.policy = checkNotNull(p, "mask policy must not be null");
      return this;
    }

    /**
     * Which parameters may be pruned; default {@link Selector#prunableWeights()} (conv and linear
     * weights, the classifier excluded).
     */
    public Builder selector(Selector s) {
      this.selector = checkNotNull(s, "selector must not be null");
      return this;
    }

    /** Input normalisation; default the training data's per-channel mean and standard deviation. */
    public Builder normalization(Normalization n) {
      this.normalization = checkNotNull(n, "normalization must not be null");
      return this;
    }

    /** Training-time augmentation; default none. */
    public Builder augmentation(Augmentation a) {
      this.augmentation = checkNotNull(a, "augmentation must not be null");
      return this;
    }

    /**
     * Writes a checkpoint to {@code file} at the end of every epoch and, when {@code everySteps >
     * 0}, after every that many training steps, atomically and keeping the previous good one as
     * {@code NAME.prev}; {@link SuperTicketsDrawer#resume} continues from it. A failed write (full
     * disk, unwritable folder) stops the draw with an {@link java.io.UncheckedIOException} naming
     * the file, and leaves the previous checkpoint intact.
     */
    public Builder checkpoint(Path file, int everySteps) {
      checkNotNull(file, "checkpoint file must not be null");
      checkArgument(
          everySteps >= 0,
          "checkpoint interval must be 0 (epoch ends only) or a positive number of "
              + "steps, got %s",
          everySteps);
      this.checkpoint = file;
      this.checkpointSteps = everySteps;
      return this;
    }

    /**
     * Makes this drawer one replica of a data-parallel draw: it trains on its shard of the data,
     * with its part of the global batch, and keeps in step with the other replicas through {@code
     * dp} (gradients averaged every step, or the whole state every K steps and before every shrink
     * and prune). Every replica must be built the same way, with the same seed and data; all end
     * with the same ticket. Checkpoints are not supported with it.
     */
    public Builder dataParallel(DataParallel dp) {
      this.dataParallel = checkNotNull(dp, "data parallel setting must not be null");
      return this;
    }

    /** Adds a progress listener (may be called several times). */
    public Builder listener(DrawListener l) {
      listeners.add(checkNotNull(l, "listener must not be null"));
      return this;
    }

    /** The drawer; reusable, every {@code draw} starts from the seed. */
    public SuperTicketsDrawer build() {
      // the drawer keeps its own record: changing this builder afterwards must not change a drawer
      // already built
      DrawSettings d =
          new DrawSettings(
              seed,
              space,
              epochs,
              targetSparsity,
              recipe(),
              rhoWarmupEpochs(),
              evalInterval,
              pruneInterval,
              macsBudget,
              search,
              reactivation,
              policy(),
              selector,
              normalization);
      checkState(
          reactivation != Reactivation.RESET
              || d.pruneEvents() == PruneEvents.byEpochs(epochs, pruneInterval),
          "reactivation RESET clears the masks after every prune epoch, so it cannot follow %s"
              + " prune events spread over %s epochs; use minPruneEvents(1) or"
              + " Reactivation.REFERENCE",
          d.pruneEvents(),
          epochs);
      if (targetSparsity > 0 && pruneSchedule.shape() == PruneSchedule.Shape.STEPS) {
        int events = d.pruneEvents();
        int needed = pruneSchedule.targetEvent(events, targetSparsity);
        // the target must be reached before the last event, so that the last epoch trains under it
        int last = Math.max(1, events - 1);
        checkArgument(
            needed <= last,
            "a sparsity step of %s reaches the target %s at prune event %s, but %s epochs with"
                + " prune interval %s have %s events and the target must be reached by event %s,"
                + " not after the last training step; use a step of at least %s, more epochs, or"
                + " PruneSchedule.linear(0.75)",
            pruneSchedule.step(),
            targetSparsity,
            needed,
            epochs,
            pruneInterval,
            events,
            last,
            targetSparsity / last);
      }
      checkState(
          dataParallel == null || checkpoint == null,
          "a data-parallel draw does not checkpoint (each replica would write its own); drop"
              + " checkpoint(...) or dataParallel(...)");
      return new SuperTicketsDrawer(d, listeners, checkpoint, checkpointSteps, dataParallel);
    }
  }
}
