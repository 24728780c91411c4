package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.supertickets.data.Batch;
import dev.supertickets.data.BatchIterator;
import dev.supertickets.data.Loader;
import dev.supertickets.internal.PathLanes;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The step loop: forward, loss (task loss + explicit L2 + regularizers), hand-written backward,
 * optimizer update and EMA, each step inside a reused workspace; evaluation with EMA weights and BN
 * re-calibration at the end of chosen epochs. Masks are honoured by the layers themselves, so the
 * same loop trains dense and masked models.
 */
public final class Trainer {
  private final Module model;
  private final SoftmaxCrossEntropy loss;
  private final Optimizer optimizer;
  private final LrSchedule schedule;
  private final L2Penalty l2;
  private final ImmutableList<Regularizer> regularizers;
  private final ImmutableList<TrainingListener> listeners;
  private final Ema ema;
  private final int calibrationBatches;
  private final java.util.function.Predicate<Param> trainable;
  private final ImmutableList<StepHook> hooks;
  private final GradientExchange exchange;
  private long globalStep;

  private Trainer(Builder b) {
    this.model = b.model;
    this.loss = b.loss;
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.l2 = b.l2;
    this.regularizers = ImmutableList.copyOf(b.regularizers);
    this.listeners = ImmutableList.copyOf(b.listeners);
    this.ema = b.emaDecay > 0 ? new Ema(model, b.emaDecay) : null;
    this.calibrationBatches = b.calibrationBatches;
    this.trainable = b.trainable;
    this.hooks = ImmutableList.copyOf(b.hooks);
    this.exchange = b.exchange;
    if (ema != null && trainable != null) {
      // frozen weights are constants: averaging them would only add rounding
      ema.retain(model.params().stream().filter(trainable).toList());
    }
  }

  /**
   * Starts configuring a trainer for {@code model}; defaults: plain cross-entropy, SGD with
   * momentum 0.9, constant learning rate 0.01, no L2, no EMA, no BN re-calibration.
   */
  public static Builder builder(Module model) {
    return new Builder(model);
  }

  /** The model this trainer updates in place. */
  public Module model() {
    return model;
  }

  /** The optimizer, with its per-parameter state. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The EMA, or null when the trainer keeps none. */
  public Ema ema() {
    return ema;
  }

  /** Mini-batches trained so far (the learning-rate schedule's step). */
  public long globalStep() {
    return globalStep;
  }

  /** Continues the learning-rate schedule from a given step (resumed runs). */
  public void setGlobalStep(long step) {
    checkArgument(step >= 0, "global step must be non-negative, got %s", step);
    this.globalStep = step;
  }

  /**
   * Follows channel cuts of the model (see {@link dev.supertickets.supernet.Supernet#keep}): the
   * optimizer's state and the EMA's shadows of each cut parameter are sliced as the parameter was,
   * and the EMA forgets parameters the cut removed, so that training goes on as if the cut channels
   * had never existed.
   */
  public void followCuts(List<dev.supertickets.nn.ChannelCut> cuts) {
    checkNotNull(cuts, "cuts must not be null; pass the list Supernet.keep returned");
    for (dev.supertickets.nn.ChannelCut c : cuts) {
      if (ema != null && ema.shadow(c.param()) != null) {
        ema.setShadow(c.param(), c.apply(ema.shadow(c.param())));
      }
      List<INDArray> state = optimizer.state(c.param());
      if (state != null && !state.isEmpty()) {
        List<INDArray> sliced = new ArrayList<>();
        for (INDArray a : state) {
          sliced.add(c.apply(a));
        }
        optimizer.setState(c.param(), sliced);
      }
    }
    if (ema != null) {
      ema.retain(model.params());
      ema.sync();
    }
  }

  /** The outcome of one step: total loss and correctly classified samples (or pixels). */
  public record StepResult(double loss, long correct, long counted) {}

  /** One training step on a batch. Throws {@link NonFiniteException} if the loss is not finite. */
  public StepResult step(Batch batch, int epoch) {
    List<Param> all = model.params();
    List<Param> params = trainable == null ? all : all.stream().filter(trainable).toList();
    double lr = schedule.lr(globalStep);
    StepResult result;
    try (MemoryWorkspace ignored = Workspaces.step();
        PathLanes lanes = PathLanes.open()) {
      for (Param p : all) {
        p.zeroGrad();
      }
      INDArray logits = model.forward(batch.x(), Mode.TRAIN);
      SoftmaxCrossEntropy.Result r = loss.compute(logits, batch.y());
      long correct = Evaluator.countCorrect(logits, batch.y(), loss.ignoreLabel());
      model.backward(r.gradLogits());
      double total = r.loss() + l2.apply(params, true);
      for (Regularizer reg : regularizers) {
        total += reg.apply(model, globalStep);
      }
      if (exchange != null) {
        exchange.exchange(params);
      }
      if (!Double.isFinite(total)) {
        model.clearCache();
        throw new NonFiniteException(epoch, globalStep, "loss", total, lr);
      }
      // checked before the update so that the weights stay the last good ones when the step is
      // refused
      Param badGrad = firstNonFinite(params, true);
      if (badGrad != null) {
        model.clearCache();
        throw new NonFiniteException(
            epoch, globalStep, "gradient of " + badGrad.name(), Double.NaN, lr);
      }
      optimizer.step(params, lr);
      Param badWeight = firstNonFinite(params, false);
      if (badWeight != null) {
        model.clearCache();
        throw new NonFiniteException(
            epoch, globalStep, "weight " + badWeight.name(), Double.NaN, lr);
      }
      if (ema != null) {
        // inside the workspace: its temporaries are reused, not allocated afresh every step
        ema.update();
      }
      model.clearCache();
      result = new StepResult(total, correct, r.counted());
    }
    globalStep++;
    for (StepHook h : hooks) {
      h.afterStep(this, epoch);
    }
    return result;
  }

  /** Trains one epoch over {@code train}; returns mean loss and accuracy over it. */
  public double[] epoch(Loader train, int epoch) {
    EpochProgress progress = new EpochProgress();
    epoch(train, epoch, progress, (t, e) -> {});
    return progress.means();
  }

  /**
   * Trains the rest of an epoch: skips the {@link EpochProgress#batches() batches} already done
   * (drawing their augmentations, so that what follows is exactly an uninterrupted epoch), then
   * runs the others, adding each step to {@code progress} and calling {@code afterStep} once it is
   * counted, after the trainer's own hooks and listeners (a drawer's prune events and checkpoints).
   */
  public void epoch(Loader train, int epoch, EpochProgress progress, StepHook afterStep) {
    checkNotNull(
        progress, "epoch progress must not be null; pass new EpochProgress() for a fresh epoch");
    checkNotNull(
        afterStep, "after-step hook must not be null; pass (trainer, epoch) -> {} for none");
    BatchIterator it = train.epoch(epoch);
    int batches = train.batchesPerEpoch();
    checkArgument(
        batches > 0,
        "the training loader yields no batch (data set %s smaller than one batch with "
            + "the last batch dropped?); use more data, a smaller batch or keep the last batch",
        train.dataset().name());
    checkArgument(
        progress.batches() <= batches,
        "epoch progress says %s batches are done, but an epoch has %s; "
            + "resume with the loader the progress was recorded on",
        progress.batches(),
        batches);
    it.skip(progress.batches());
    while (it.hasNext()) {
      StepResult r = step(it.next(), epoch);
      int i = progress.batches();
      progress.add(r);
      TrainingListener.StepEvent e =
          new TrainingListener.StepEvent(
              epoch, i, batches, globalStep, r.loss(), schedule.lr(globalStep - 1));
      for (TrainingListener l : listeners) {
        l.onStep(e);
      }
      afterStep.afterStep(this, epoch);
    }
  }

  /**
   * The sums of an epoch in progress: batches done, loss summed over them, correct and counted
   * samples. Mutable, so that a checkpoint can record it mid-epoch and a resumed run can carry on
   * from it.
   */
  public static final class EpochProgress {
    private int batches;
    private double lossSum;
    private long correct;
    private long counted;

    /** A fresh epoch. */
    public EpochProgress() {}

    /** An epoch recorded part-way (resumed runs). */
    public EpochProgress(int batches, double lossSum, long correct, long counted) {
      checkArgument(
          batches >= 0 && correct >= 0 && counted >= correct,
          "epoch progress must have batches >= 0 "
              + "and 0 <= correct <= counted, got %s batches, %s correct of %s",
          batches,
          correct,
          counted);
      this.batches = batches;
      this.lossSum = lossSum;
      this.correct = correct;
      this.counted = counted;
    }

    void add(StepResult r) {
      batches++;
      lossSum += r.loss();
      correct += r.correct();
      counted += r.counted();
    }

    public int batches() {
      return batches;
    }

    public double lossSum() {
      return lossSum;
    }

    public long correct() {
      return correct;
    }

    public long counted() {
      return counted;
    }

    /** Mean loss per batch and accuracy so far: {@code {loss, accuracy}}. */
    public double[] means() {
      return new double[] {
        batches == 0 ? 0 : lossSum / batches, counted == 0 ? 0 : (double) correct / counted
      };
    }
  }

  /**
   * Evaluates with the EMA weights when the trainer keeps an EMA, after re-calibrating BN on {@code
   * calibrationBatches} batches of {@code calibration}; the live model is left exactly as it was.
   */
  public Metrics evaluate(Loader test, Loader calibration, int epoch) {
    if (ema != null) {
      ema.swap();
    }
    List<INDArray[]> saved = new ArrayList<>();
    List<BatchNorm> bns = Modules.ofType(model, BatchNorm.class);
    try {
      if (calibrationBatches > 0 && calibration != null) {
        try (MemoryWorkspace ignored = Workspaces.outside()) {
          for (BatchNorm bn : bns) {
            saved.add(new INDArray[] {bn.runningMean().dup(), bn.runningVar().dup()});
          }
        }
        BnCalibration.recalibrate(model, calibration, calibrationBatches, epoch);
      }
      // the loss reported is plain cross-entropy, as the reference validates: smoothing is a
      // training device
      return Evaluator.evaluate(
          model,
          test,
          loss.smoothing() == 0 ? loss : new SoftmaxCrossEntropy(0, loss.ignoreLabel()));
    } finally {
      for (int i = 0; i < saved.size(); i++) {
        bns.get(i).runningMean().assign(saved.get(i)[0]);
        bns.get(i).runningVar().assign(saved.get(i)[1]);
      }
      if (ema != null) {
        ema.swap();
      }
    }
  }

  /** The first parameter whose gradient ({@code grads}) or value is NaN or infinite, or null. */
  private static Param firstNonFinite(List<Param> params, boolean grads) {
    for (Param p : params) {
      INDArray a = grads ? p.grad() : p.value();
      if (a != null && !Tensors.allFinite(a)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Trains for {@code epochs} epochs and evaluates on {@code test} after the last one (and every
   * evalEvery).
   */
  public Metrics fit(Loader train, Loader test, int epochs, int evalEvery) {
    return fit(train, test, 0, epochs, evalEvery, (epoch, elapsed) -> {});
  }

  /** Code run once an epoch of {@link #fit} is done and its listeners were told. */
  @FunctionalInterface
  public interface EpochEnd {
    /**
     * @param epoch the 0-based epoch just done
     * @param elapsedMillis wall time of this call of {@code fit} so far
     */
    void afterEpoch(int epoch, long elapsedMillis);
  }

  /**
   * Trains epochs {@code from} to {@code epochs − 1} (the earlier ones done before, as by the run a
   * checkpoint resumes), evaluating on {@code test} (may be null) every {@code evalEvery} epochs
   * and after the last, and calls {@code end} after each epoch (where a run writes its checkpoint).
   *
   * @return the last evaluation, or null when none was made
   */
  public Metrics fit(Loader train, Loader test, int from, int epochs, int evalEvery, EpochEnd end) {
    checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
    checkArgument(evalEvery > 0, "evaluation interval must be positive, got %s", evalEvery);
    checkArgument(
        from >= 0 && from < epochs,
        "the first epoch to train must be in [0, %s), got %s; a finished run has nothing to resume",
        epochs,
        from);
    checkNotNull(end, "epoch-end code must not be null; pass (epoch, elapsed) -> {} for none");
    long start = System.currentTimeMillis();
    Metrics last = null;
    for (int e = from; e < epochs; e++) {
      double[] tr = epoch(train, e);
      Metrics m = null;
      if (test != null && ((e + 1) % evalEvery == 0 || e == epochs - 1)) {
        m = evaluate(test, train, e);
        last = m;
      }
      long elapsed = System.currentTimeMillis() - start;
      TrainingListener.EpochEvent ev =
          new TrainingListener.EpochEvent(e, epochs, tr[0], tr[1], m, elapsed);
      for (TrainingListener l : listeners) {
        l.onEpoch(ev);
      }
      end.afterEpoch(e, elapsed);
    }
    return last;
  }

  /** Fluent configuration of a {@link Trainer}. */
  public static final class Builder {
    private final Module model;
    private SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private Optimizer optimizer = new Sgd(0.9, false);
    private LrSchedule schedule = LrSchedule.constant(0.01);
    private L2Penalty l2 = L2Penalty.none();
    private final List<Regularizer> regularizers = new ArrayList<>();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private double emaDecay;
    private int calibrationBatches;
    private java.util.function.Predicate<Param> trainable;
    private final List<StepHook> hooks = new ArrayList<>();
    private GradientExchange exchange;

    private Builder(Module model) {
      this.model = checkNotNull(model, "model must not be null");
    }

    /** The task loss; default plain cross-entropy. */
    public Builder loss(SoftmaxCrossEntropy l) {
      this.loss = checkNotNull(l, "loss must not be null");
      return this;
    }

    /** The optimizer; default SGD with momentum 0.9. */
    public Builder optimizer(Optimizer o) {
      this.optimizer = checkNotNull(o, "optimizer must not be null");
      return this;
    }

    /** The learning rate per global step; default constant 0.01. */
    public Builder schedule(LrSchedule s) {
      this.schedule = checkNotNull(s, "schedule must not be null");
      return this;
    }

    /** Explicit L2 term in the loss; default {@link L2Penalty#none()}. */
    public Builder l2(L2Penalty p) {
      this.l2 = checkNotNull(p, "l2 penalty must not be null; use L2Penalty.none()");
      return this;
    }

    /** Adds an extra loss term (may be called several times; terms add up). */
    public Builder regularizer(Regularizer r) {
      regularizers.add(checkNotNull(r, "regularizer must not be null"));
      return this;
    }

    /** Adds a listener told about every epoch (may be called several times). */
    public Builder listener(TrainingListener l) {
      listeners.add(checkNotNull(l, "listener must not be null"));
      return this;
    }

    /**
     * Adds code run after every optimizer step, in the order added (may be called several times).
     */
    /**
     * Replaces the gradients before every optimizer step (data-parallel averaging); at most one.
     */
    public Builder gradientExchange(GradientExchange g) {
      checkState(exchange == null, "a gradient exchange is already set; a trainer takes one");
      exchange = checkNotNull(g, "gradient exchange must not be null");
      return this;
    }

    public Builder stepHook(StepHook h) {
      hooks.add(checkNotNull(h, "step hook must not be null"));
      return this;
    }

    /** Keeps an EMA of the weights with this decay (0 disables it) and evaluates with it. */
    public Builder ema(double decay) {
      checkArgument(
          decay == 0 || (decay > 0 && decay < 1),
          "ema decay must be 0 (off) or in (0, 1), got %s",
          decay);
      this.emaDecay = decay;
      return this;
    }

    /** Re-calibrates BN on this many training batches before each evaluation (0 disables it). */
    public Builder bnCalibration(int batches) {
      checkArgument(batches >= 0, "calibration batches must be non-negative, got %s", batches);
      this.calibrationBatches = batches;
      return this;
    }

    /**
     * Updates only the parameters this accepts (e.g. a new head on a frozen backbone); the others
     * keep their values, and neither L2 nor regularizers' gradients move them. Default: every
     * parameter.
     */
    public Builder trainable(java.util.function.Predicate<Param> which) {
      this.trainable = checkNotNull(which, "trainable-parameter filter must not be null");
      return this;
    }

    /** The trainer. */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
