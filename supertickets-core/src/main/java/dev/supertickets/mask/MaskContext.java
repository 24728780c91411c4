package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Batch;
import dev.supertickets.data.Loader;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.tensor.RandomStreams;
import java.util.Iterator;
import java.util.Optional;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@link MaskPolicy} may look at: the model, its prunable parameters (chosen by a {@link
 * Selector}), their current masks, and, for data-dependent scores, a data loader, the loss and
 * seeded random streams.
 *
 * <p>The context holds references, not copies: {@link #currentMask(Param)} reads the mask installed
 * at the time of the call. Build one with {@link #builder(Module)}; defaults: {@link
 * Selector#prunableWeights()}, no data, plain softmax cross-entropy, seed 0, data epoch 0.
 */
public final class MaskContext {
  private final Module model;
  private final Selector selector;
  private final ImmutableList<Param> params;
  private final Loader data;
  private final int dataEpoch;
  private final SoftmaxCrossEntropy loss;
  private final long seed;
  private final RandomStreams streams;
  private final long[] inputShape;

  private MaskContext(Builder b) {
    this.model = b.model;
    this.selector = b.selector;
    this.params = b.selector.select(b.model);
    this.data = b.data;
    this.dataEpoch = b.dataEpoch;
    this.loss = b.loss;
    this.seed = b.seed;
    this.streams = new RandomStreams(b.seed);
    this.inputShape = b.inputShape;
  }

  /** Starts a context for {@code model}. */
  public static Builder builder(Module model) {
    return new Builder(model);
  }

  /**
   * A context with the defaults and no data (enough for magnitude, random and SynFlow with an input
   * shape).
   */
  public static MaskContext of(Module model) {
    return builder(model).build();
  }

  /** The whole model. */
  public Module model() {
    return model;
  }

  /** The selector that chose {@link #params()}. */
  public Selector selector() {
    return selector;
  }

  /** The prunable parameters, in model order; a policy returns one mask for each. Never empty. */
  public ImmutableList<Param> params() {
    return params;
  }

  /** The number of prunable entries, the {@code N} of the sparsity. */
  public long prunableCount() {
    long n = 0;
    for (Param p : params) {
      n += p.size();
    }
    return n;
  }

  /** A fresh copy of the mask installed on {@code param} now, all ones when it is dense. */
  public INDArray currentMask(Param param) {
    return Masks.current(param);
  }

  /** Fresh copies of the current masks of {@link #params()} (ones for dense parameters). */
  public ImmutableMap<Param, INDArray> currentMasks() {
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builderWithExpectedSize(params.size());
    for (Param p : params) {
      out.put(p, Masks.current(p));
    }
    return out.buildOrThrow();
  }

  /** Whether a data loader was given. */
  public boolean hasData() {
    return data != null;
  }

  /** The data loader; fails if none was given. */
  public Loader data() {
    checkState(
        data != null,
        "this mask policy needs data but the context has none; call"
            + " MaskContext.Builder.data(loader)");
    return data;
  }

  /**
   * The batches of the configured data epoch, from the first; every call starts the same sequence
   * again, so scores are reproducible. Fails if no data was given.
   */
  public Iterator<Batch> batches() {
    return data().epoch(dataEpoch);
  }

  /** The loss of data-dependent scores. */
  public SoftmaxCrossEntropy loss() {
    return loss;
  }

  /** The seed of {@link #random(String, long)}. */
  public long seed() {
    return seed;
  }

  /**
   * A fresh generator for a purpose and an index (e.g. the tensor's position), derived from the
   * seed only.
   */
  public SplittableRandom random(String purpose, long index) {
    checkNotNull(purpose, "random stream purpose must not be null; pass e.g. \"scores\"");
    checkArgument(
        !purpose.isBlank(), "random stream purpose must not be blank; pass e.g. \"scores\"");
    return streams.stream("mask/" + purpose, index);
  }

  /**
   * The per-sample input shape {@code [height, width, channels]} for data-free scores: the one set
   * on the builder, else that of the data set's images, else empty.
   */
  public Optional<long[]> inputShape() {
    if (inputShape != null) {
      return Optional.of(inputShape.clone());
    }
    if (data != null) {
      var d = data.dataset();
      return Optional.of(new long[] {d.height(), d.width(), d.channels()});
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "MaskContext{"
        + params.size()
        + " tensors by "
        + selector
        + ", "
        + prunableCount()
        + " weights, "
        + (data == null ? "no data" : "data " + data.dataset().name())
        + ", seed "
        + seed
        + "}";
  }

  /** Fluent configuration of a {@link MaskContext}. */
  public static final class Builder {
    private final Module model;
    private Selector selector = Selector.prunableWeights();
    private Loader data;
    private int dataEpoch;
    private SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private long seed;
    private long[] inputShape;

    private Builder(Module model) {
      this.model = checkNotNull(model, "model must not be null");
    }

    /** Which parameters are prunable (default {@link Selector#prunableWeights()}). */
    public Builder selector(Selector selector) {
      this.selector =
          checkNotNull(selector, "selector must not be null; use Selector.prunableWeights()");
      return this;
    }

    /**
     * The loader of data-dependent scores (SNIP, GraSP); its batches of {@link #dataEpoch} are
     * used.
     */
    public Builder data(Loader loader) {
      checkNotNull(loader, "data loader must not be null; leave data unset for data-free policies");
      checkArgument(
          loader.batchesPerEpoch() > 0,
          "data set %s of the data loader yields no batch (%s samples); "
              + "pass a loader over at least one batch for data-dependent scores",
          loader.dataset().name(),
          loader.dataset().size());
      this.data = loader;
      return this;
    }

    /** Which epoch's batch order the scores read (default 0). */
    public Builder dataEpoch(int epoch) {
      checkArgument(
          epoch >= 0,
          "data epoch must not be negative, got %s; epochs count from 0 (the default)",
          epoch);
      this.dataEpoch = epoch;
      return this;
    }

    /** The loss of data-dependent scores (default plain softmax cross-entropy). */
    public Builder loss(SoftmaxCrossEntropy loss) {
      this.loss = checkNotNull(loss, "loss must not be null");
      return this;
    }

    /** The seed of the random streams (random scores). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The per-sample input shape for data-free scores (SynFlow) when no data is given. */
    public Builder inputShape(int height, int width, int channels) {
      checkArgument(
          height > 0 && width > 0 && channels > 0,
          "input shape must be positive, got %sx%sx%s; pass height, width, channels",
          height,
          width,
          channels);
      this.inputShape = new long[] {height, width, channels};
      return this;
    }

    /**
     * Resolves the selector and builds the context.
     *
     * @throws IllegalArgumentException if the selector matches no parameter of the model
     */
    public MaskContext build() {
      return new MaskContext(this);
    }
  }
}
