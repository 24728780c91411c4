package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Augmentation;
import dev.supertickets.io.RecordComponents;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.MaskPolicy;
import dev.supertickets.mask.Scope;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.train.Ema;
import dev.supertickets.train.RecipeChecks;
import java.util.Locale;

/**
 * The training recipe of a SuperTickets draw: everything but the search space, the budget (epochs,
 * target sparsity) and the seed. Two presets, asked for by name on the command line ({@code
 * --recipe}):
 *
 * <ul>
 *   <li>{@link #reference()}: the official code's recipe as its Fashion-MNIST run used it (AdamW
 *       eps 1e-3, one-cycle lr 0.04, L2 1e-5, label smoothing 0.1, rho 1.8e-4 warmed up over the
 *       first twelfth of the run, EMA 0.9999^(128/4096) with its warm-up, crop and flip, BN
 *       re-calibration on 10 batches, linear prune ramp to the target at three quarters of the
 *       run);
 *   <li>{@link #standard()}: the builder's and the command line's defaults: the reference recipe
 *       tuned so that short draws keep their accuracy (batch 64, a cubic prune ramp, ERK densities;
 *       measurements in {@code docs/tuning-short-draws.md}).
 * </ul>
 *
 * @param batchSize mini-batch size
 * @param learningRate peak learning rate of the one-cycle AdamW schedule
 * @param weightDecay explicit L2 on raw conv and linear weights
 * @param labelSmoothing label smoothing of the training loss, in [0, 1)
 * @param rho maximum weight of the resource-aware L1 penalty on the searchable BN scales
 * @param rhoWarmup fraction of the run over which rho rises linearly from 0, in [0, 1]
 * @param emaDecay EMA decay after its warm-up {@code min(decay, (1+n)/(10+n))}
 * @param calibrationBatches batches on which BN statistics are re-estimated before each evaluation
 * @param augmentation training-time augmentation
 * @param pruneSchedule how the sparsity rises to the target
 * @param pruneScope how the default magnitude policy spreads the sparsity over the tensors (a
 *     drawer given its own {@link dev.supertickets.mask.MaskPolicy} ignores it)
 * @param shrinkThreshold |γ| at or below which a searchable channel is dead
 * @param minShrinkFraction the least share of the supernet's MACs a shrink must remove (the last
 *     epoch's always runs)
 * @param minPruneEvents the least number of prune events in a draw: when the prune epochs give
 *     fewer, the events are spread evenly over the training steps instead (1: one event per prune
 *     epoch, as the reference)
 */
public record Recipe(
    int batchSize,
    double learningRate,
    double weightDecay,
    double labelSmoothing,
    double rho,
    double rhoWarmup,
    double emaDecay,
    int calibrationBatches,
    Augmentation augmentation,
    PruneSchedule pruneSchedule,
    Scope pruneScope,
    double shrinkThreshold,
    double minShrinkFraction,
    int minPruneEvents) {

  /** The reference's shrink minimum: 1e6 MACs of its 2,422,799,760-MAC ImageNet supernet. */
  static final double REFERENCE_MIN_SHRINK = 1e6 / 2_422_799_760.0;

  /**
   * The standard recipe's least number of prune events: the reference's 12, however short the draw.
   */
  static final int STANDARD_PRUNE_EVENTS = 12;

  /** Validates every value, naming the rule and a usual value. */
  public Recipe {
    RecipeChecks.batchSize(batchSize);
    RecipeChecks.learningRate(learningRate);
    RecipeChecks.weightDecay(weightDecay);
    RecipeChecks.labelSmoothing(labelSmoothing);
    checkArgument(
        rho >= 0 && Double.isFinite(rho),
        "rho must be finite and non-negative, got %s; e.g. 1.8e-4",
        rho);
    checkArgument(
        rhoWarmup >= 0 && rhoWarmup <= 1,
        "rho warm-up is a fraction of the run in [0, 1], got %s; " + "e.g. 1/12 as the reference",
        rhoWarmup);
    RecipeChecks.emaDecay(emaDecay);
    RecipeChecks.calibrationBatches(calibrationBatches);
    checkNotNull(augmentation, "augmentation must not be null; use Augmentation.none()");
    checkNotNull(pruneSchedule, "prune schedule must not be null; e.g. PruneSchedule.linear(0.75)");
    checkNotNull(pruneScope, "prune scope must not be null; e.g. Scope.GLOBAL as the reference");
    checkArgument(
        shrinkThreshold >= 0 && Double.isFinite(shrinkThreshold),
        "shrink threshold must be finite and " + "non-negative, got %s; e.g. 1e-3",
        shrinkThreshold);
    checkArgument(
        minShrinkFraction >= 0 && minShrinkFraction < 1,
        "minimum shrink must be a fraction of the " + "supernet's MACs in [0, 1), got %s",
        minShrinkFraction);
    checkArgument(
        minPruneEvents >= 1,
        "the least number of prune events must be at least 1 (one per prune epoch), "
            + "got %s; e.g. 12",
        minPruneEvents);
  }

  /** The official code's recipe, exactly as its Fashion-MNIST reference run used it. */
  public static Recipe reference() {
    return new Recipe(
        128,
        0.04,
        1e-5,
        0.1,
        1.8e-4,
        1.0 / 12,
        Ema.referenceDecay(128),
        10,
        Augmentation.cropAndFlip(2),
        PruneSchedule.linear(PruneSchedule.DEFAULT_RAMP_END),
        Scope.GLOBAL,
        1e-3,
        REFERENCE_MIN_SHRINK,
        1);
  }

  /**
   * The defaults: the reference recipe with three changes that short draws need (measured on the
   * embedded subset, {@code reference28}, 80% sparsity; see {@code docs/tuning-short-draws.md}):
   * batch 64 (twice the steps per epoch: 0.853 against 0.815 at 8 epochs), a cubic prune ramp
   * (0.815 against 0.803 for the linear one), and ERK per-tensor densities instead of one global
   * threshold (0.853 against 0.833).
   */
  public static Recipe standard() {
    return new Recipe(
        64,
        0.04,
        1e-5,
        0.1,
        1.8e-4,
        1.0 / 12,
        Ema.referenceDecay(64),
        10,
        Augmentation.cropAndFlip(2),
        PruneSchedule.cubic(PruneSchedule.DEFAULT_RAMP_END),
        Scope.ERK,
        1e-3,
        REFERENCE_MIN_SHRINK,
        STANDARD_PRUNE_EVENTS);
  }

  /** A preset by name: {@code reference} or {@code standard}. */
  public static Recipe named(String name) {
    checkNotNull(name, "recipe name must not be null");
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "reference":
        return reference();
      case "standard":
        return standard();
      default:
        throw new IllegalArgumentException(
            "unknown recipe '"
                + name
                + "': use 'standard' (the tuned defaults) or "
                + "'reference' (the official code's recipe)");
    }
  }

  /**
   * Every value by its component's name, as provenance and reports record it: numbers as they are,
   * the rest ({@link Augmentation}, {@link PruneSchedule}, {@link Scope}) as their {@code
   * toString}. Read from the record's components, so a new component is recorded without a line
   * here.
   */
  public java.util.Map<String, Object> entries() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    RecordComponents.of(this)
        .forEach((name, v) -> m.put(name, v instanceof Number ? v : String.valueOf(v)));
    return m;
  }

  /**
   * The magnitude policy of the prune scope, a drawer's default: the reference's global magnitude
   * for {@link Scope#GLOBAL}, magnitude ranked in the scope otherwise.
   */
  public MaskPolicy maskPolicy() {
    return pruneScope == Scope.GLOBAL
        ? MaskPolicies.referenceMagnitude()
        : MaskPolicies.magnitude().scope(pruneScope);
  }

  /**
   * A training run with this recipe's shared part (batch size, one-cycle AdamW at the learning
   * rate, L2, label smoothing, EMA, BN re-calibration, augmentation) for {@code epochs} epochs: how
   * every other drawer (GMP, SET, RigL, Sup-tickets, IMP, Early-bird) and fixed-mask retraining
   * take the recipe a SuperTickets draw uses, so that methods compared side by side train alike.
   * The search and prune settings (rho, the prune schedule and scope, the shrink) are SuperTickets'
   * own and do not apply; the seed is the caller's.
   */
  public Retrainer.Builder training(int epochs) {
    return Retrainer.builder()
        .epochs(epochs)
        .batchSize(batchSize)
        .learningRate(learningRate)
        .weightDecay(weightDecay)
        .labelSmoothing(labelSmoothing)
        .emaDecay(emaDecay)
        .calibrationBatches(calibrationBatches)
        .augmentation(augmentation)
        .schedule(Retrainer.Schedule.ONE_CYCLE);
  }

  /** The name of the preset this recipe equals, or {@code custom}. */
  public String presetName() {
    return equals(standard()) ? "standard" : equals(reference()) ? "reference" : "custom";
  }
}
