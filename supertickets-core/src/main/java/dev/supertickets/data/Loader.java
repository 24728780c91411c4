package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.tensor.RandomStreams;
import java.util.SplittableRandom;

/**
 * Streams mini-batches of a {@link Dataset} epoch after epoch without copying the set: each epoch
 * draws a permutation of sample indices and copies only one batch's samples at a time into a reused
 * buffer, augmenting and normalising on the way. Everything random comes from {@link RandomStreams}
 * of one seed, stream {@code data-order} (the permutation) and {@code augment} (crops and flips),
 * indexed by epoch: the same seed and epoch give the same batches, and epochs differ from one
 * another.
 *
 * <p>Defaults: batch size 128, shuffled, last short batch kept, no augmentation, no normalisation,
 * seed 0, a fresh INDArray per batch.
 */
public final class Loader {
  private final Dataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final Augmentation augmentation;
  private final Normalization normalization;
  private final RandomStreams streams;
  private final boolean reuseArrays;

  private Loader(Builder b) {
    this.data = b.data;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.dropLast = b.dropLast;
    this.augmentation = b.augmentation;
    this.normalization =
        b.normalization != null ? b.normalization : Normalization.identity(b.data.channels());
    this.streams = new RandomStreams(b.seed);
    this.reuseArrays = b.reuseArrays;
  }

  /** Starts configuring a loader over a data set. */
  public static Builder builder(Dataset data) {
    return new Builder(data);
  }

  /**
   * A loader for evaluation: fixed order, every sample, no augmentation, the given normalisation
   * (or null).
   */
  public static Loader forEvaluation(Dataset data, int batchSize, Normalization normalization) {
    return builder(data).batchSize(batchSize).shuffle(false).normalization(normalization).build();
  }

  /** The batches of one epoch (0-based); each call starts a fresh, independent pass. */
  public BatchIterator epoch(int epoch) {
    checkArgument(epoch >= 0, "epoch must not be negative, got %s; epochs count from 0", epoch);
    return new BatchIterator(this, order(epoch), streams.stream("augment", epoch));
  }

  /** The sample order of one epoch, before dropping a short last batch. */
  int[] order(int epoch) {
    return permutation(data.size(), shuffle ? streams.stream("data-order", epoch) : null);
  }

  /** {@code 0 .. n-1} shuffled by Fisher-Yates with {@code random}, or in order when it is null. */
  static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0 && random != null; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** How many batches each epoch yields. */
  public int batchesPerEpoch() {
    return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize;
  }

  /**
   * How many samples each epoch yields (fewer than the set's size when the short last batch is
   * dropped).
   */
  public int samplesPerEpoch() {
    return dropLast ? batchesPerEpoch() * batchSize : data.size();
  }

  /** The data set streamed. */
  public Dataset dataset() {
    return data;
  }

  /** The largest batch size. */
  public int batchSize() {
    return batchSize;
  }

  /** Whether each epoch has its own random order. */
  public boolean shuffle() {
    return shuffle;
  }

  /** Whether a short last batch is dropped. */
  public boolean dropLast() {
    return dropLast;
  }

  /** The augmentation applied while copying. */
  public Augmentation augmentation() {
    return augmentation;
  }

  /** The normalisation applied while copying (identity when none was set). */
  public Normalization normalization() {
    return normalization;
  }

  /** Whether batches share one INDArray per batch size (valid only until the next batch). */
  public boolean reuseArrays() {
    return reuseArrays;
  }

  /** Configures a {@link Loader}; see the loader for the defaults. */
  public static final class Builder {
    private final Dataset data;
    private int batchSize = 128;
    private boolean shuffle = true;
    private boolean dropLast;
    private Augmentation augmentation = Augmentation.none();
    private Normalization normalization;
    private long seed;
    private boolean reuseArrays;

    private Builder(Dataset data) {
      checkNotNull(data, "data set must not be null");
      this.data = data;
    }

    /** Samples per batch (the last batch may be shorter unless dropped). */
    public Builder batchSize(int batchSize) {
      checkArgument(batchSize > 0, "batch size must be positive, got %s; e.g. 128", batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Whether each epoch visits samples in its own random order (on for training, off for
     * evaluation).
     */
    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** Whether to drop a short last batch, e.g. to keep batch-norm statistics stable. */
    public Builder dropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    /** The augmentation applied while copying (none by default). */
    public Builder augmentation(Augmentation augmentation) {
      checkNotNull(augmentation, "augmentation must not be null; use Augmentation.none()");
      this.augmentation = augmentation;
      return this;
    }

    /** The per-channel normalisation applied while copying; null for none. */
    public Builder normalization(Normalization normalization) {
      checkArgument(
          normalization == null || normalization.channels() == data.channels(),
          "normalisation has %s channels but data set %s has %s; compute it on matching data",
          normalization == null ? 0 : normalization.channels(),
          data.name(),
          data.channels());
      this.normalization = normalization;
      return this;
    }

    /** The seed of the order and augmentation streams. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Whether to refill one INDArray per batch size instead of creating one per batch: saves an
     * off-heap allocation per batch, but a batch's {@code x} is overwritten by the next one, so use
     * it only in a loop that is done with a batch before drawing the next.
     */
    public Builder reuseArrays(boolean reuseArrays) {
      this.reuseArrays = reuseArrays;
      return this;
    }

    /** Checks the combination and builds the loader. */
    public Loader build() {
      checkArgument(
          !dropLast || data.size() == 0 || batchSize <= data.size(),
          "dropping the last batch leaves no batch: batch size %s exceeds the %s samples of %s; "
              + "lower the batch size or keep the last batch",
          batchSize,
          data.size(),
          data.name());
      return new Loader(this);
    }
  }
}
