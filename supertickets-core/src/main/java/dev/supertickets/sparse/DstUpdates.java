package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Loader;
import dev.supertickets.draw.DrawListeners;
import dev.supertickets.mask.BnStatistics;
import dev.supertickets.mask.Gradients;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The periodic mask updates of SET and RigL as a step hook: after step {@code t} with {@code t mod
 * ΔT = 0} and {@code t <= T_end}, every masked prunable tensor drops {@code floor(f(t) · n_active)}
 * weights and grows as many ({@link DropAndGrow}), with the cosine drop fraction {@code f(t) = α/2
 * (1 + cos(π t / T_end))}.
 *
 * <p>RigL's gradient is the dense gradient ({@link Gradients#ofLoss}, BN on batch statistics as in
 * training) on one batch of a loader of its own over the training data, seeded by the drawer: the
 * trainer's current batch is not exposed to hooks, so the u-th drop-and-grow reads the next batch
 * of that loader (the first batch of its epoch u) instead. Mutable, one per draw.
 */
final class DstUpdates implements StepHook {
  /** RigL's tie-breaking noise on the drop score: N(0, 1e-5). */
  static final double DROP_NOISE_STD = 1e-5;

  private static final Selector PRUNABLE = Selector.prunableWeights();

  private final DstDrawer.Growth growth;
  private final double alpha;
  private final int interval;
  private final long endStep;
  private final RandomStreams streams;
  private final Loader gradientData;
  private final SoftmaxCrossEntropy loss;
  private final double sparsity;
  private final DrawListeners listeners;
  private long updates;
  private long events;
  private long regrown;

  /**
   * @param endStep {@code T_end}: no update after this global step (0: none at all)
   * @param gradientData the batches of RigL's gradient; may be null for random growth
   * @param sparsity the sparsity the updates keep, as listeners hear it
   * @param listeners told of the masks after every periodic update
   */
  DstUpdates(
      DstDrawer.Growth growth,
      double alpha,
      int interval,
      long endStep,
      long seed,
      Loader gradientData,
      SoftmaxCrossEntropy loss,
      double sparsity,
      DrawListeners listeners) {
    this.growth = checkNotNull(growth, "growth must not be null");
    checkArgument(
        growth == DstDrawer.Growth.RANDOM || gradientData != null,
        "gradient growth needs a loader for its gradient batches");
    checkArgument(endStep >= 0, "end step must not be negative, got %s", endStep);
    this.alpha = alpha;
    this.interval = interval;
    this.endStep = endStep;
    this.streams = new RandomStreams(seed);
    this.gradientData = gradientData;
    this.loss = checkNotNull(loss, "loss must not be null");
    this.sparsity = sparsity;
    this.listeners = checkNotNull(listeners, "listeners must not be null");
  }

  /** RigL's cosine drop fraction {@code α/2 · (1 + cos(π · min(t, T_end) / T_end))}. */
  static double dropFraction(double alpha, long step, long endStep) {
    checkArgument(endStep > 0, "the drop fraction needs T_end > 0, got %s", endStep);
    return alpha / 2 * (1 + Math.cos(Math.PI * Math.min(step, endStep) / endStep));
  }

  /**
   * Whether global step {@code step} (1 after the first optimizer step) ends with a mask update.
   */
  static boolean isUpdateStep(long step, int interval, long endStep) {
    return step > 0 && step <= endStep && step % interval == 0;
  }

  @Override
  public void afterStep(Trainer trainer, int epoch) {
    long t = trainer.globalStep();
    if (isUpdateStep(t, interval, endStep)) {
      double f = dropFraction(alpha, t, endStep);
      dropAndGrow(trainer, active -> (long) Math.floor(f * active));
      updates++;
      listeners.masks(t, sparsity, () -> MaskSet.capture(trainer.model(), PRUNABLE));
    }
  }

  /**
   * One prune-and-regrow of every masked prunable tensor of the trainer's model, dropping {@code
   * dropCount(n_active)} weights in each; used by the periodic updates and by Sup-tickets'
   * re-exploration.
   *
   * @return the number of new connections
   */
  int dropAndGrow(Trainer trainer, LongUnaryOperator dropCount) {
    Module model = trainer.model();
    List<Param> params = PRUNABLE.select(model).stream().filter(Param::isMasked).toList();
    long index = events++;
    ImmutableMap<Param, INDArray> grads =
        growth == DstDrawer.Growth.GRADIENT
            ? Gradients.ofLoss(
                MaskContext.builder(model)
                    .data(gradientData)
                    .dataEpoch(Math.toIntExact(index))
                    .loss(loss)
                    .build(),
                1,
                BnStatistics.BATCH)
            : null;
    SplittableRandom noise = streams.stream("dst/drop-noise", index);
    SplittableRandom random = streams.stream("dst/random-growth", index);
    int grown = 0;
    for (Param p : params) {
      float[] w = DropAndGrow.floats(p.value());
      boolean[] m = DropAndGrow.mask(p);
      double[] dropNoise = new double[w.length];
      double[] growScore = new double[w.length];
      float[] g = grads == null ? null : DropAndGrow.floats(grads.get(p));
      for (int i = 0; i < w.length; i++) {
        dropNoise[i] = DROP_NOISE_STD * noise.nextGaussian();
        growScore[i] = g == null ? random.nextDouble() : Math.abs(g[i]);
      }
      long nDrop = dropCount.applyAsLong(DropAndGrow.count(m));
      boolean[] next = DropAndGrow.newMask(w, m, nDrop, dropNoise, growScore);
      grown += DropAndGrow.install(p, next, trainer.optimizer(), trainer.ema());
    }
    regrown += grown;
    return grown;
  }

  @Override
  public dev.supertickets.train.HookState saveState() {
    return dev.supertickets.train.HookState.builder()
        .put("updates", updates)
        .put("events", events)
        .put("regrown", regrown)
        .build();
  }

  @Override
  public void restoreState(dev.supertickets.train.HookState s) {
    updates = s.longValue("updates");
    events = s.longValue("events");
    regrown = s.longValue("regrown");
  }

  /** Periodic updates done so far. */
  long updates() {
    return updates;
  }

  /** New connections grown so far (periodic updates and re-exploration). */
  long regrown() {
    return regrown;
  }

  /** {@code T_end}. */
  long endStep() {
    return endStep;
  }
}
