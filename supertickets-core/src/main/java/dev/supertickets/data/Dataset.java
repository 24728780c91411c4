package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkPositionIndexes;
import static com.google.common.base.Preconditions.checkState;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An immutable in-memory image data set. Every image is stored once, as floats already scaled to
 * [0, 1], in one NHWC array (sample, row, column, channel), so that a batch is a plain copy of
 * contiguous samples. Labels are either one class per sample (classification) or one class per
 * pixel (dense prediction, e.g. segmentation), where pixels labelled {@link #ignoreLabel()} count
 * for nothing.
 */
public final class Dataset {
  /** The ignore label of classification sets, which never occurs in them. */
  public static final int NO_IGNORE_LABEL = -1;

  private final String name;
  private final float[] images;
  private final int[] labels;
  private final int size;
  private final int height;
  private final int width;
  private final int channels;
  private final int numClasses;
  private final boolean dense;
  private final int ignoreLabel;

  private Dataset(
      String name,
      float[] images,
      int[] labels,
      int size,
      int height,
      int width,
      int channels,
      int numClasses,
      boolean dense,
      int ignoreLabel) {
    this.name = name;
    this.images = images;
    this.labels = labels;
    this.size = size;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.numClasses = numClasses;
    this.dense = dense;
    this.ignoreLabel = ignoreLabel;
  }

  /** A classification set (one label per sample, in [0, numClasses)); the arrays are copied. */
  public static Dataset classification(
      String name,
      float[] images,
      int[] labels,
      int height,
      int width,
      int channels,
      int numClasses) {
    checkNotNull(name, "data set name must not be null; pass e.g. \"fashion-mnist-train\"");
    checkNotNull(images, "images of data set %s must not be null", name);
    checkNotNull(labels, "labels of data set %s must not be null", name);
    return create(
        name,
        images.clone(),
        labels.clone(),
        labels.length,
        height,
        width,
        channels,
        numClasses,
        false,
        NO_IGNORE_LABEL);
  }

  /**
   * A dense-prediction set: {@code labels} holds {@code size * height * width} classes, one per
   * pixel in row-major order, each in [0, numClasses) or equal to {@code ignoreLabel}; the arrays
   * are copied.
   */
  public static Dataset dense(
      String name,
      float[] images,
      int[] labels,
      int size,
      int height,
      int width,
      int channels,
      int numClasses,
      int ignoreLabel) {
    checkNotNull(name, "data set name must not be null; pass e.g. \"segmentation-train\"");
    checkNotNull(images, "images of data set %s must not be null", name);
    checkNotNull(labels, "labels of data set %s must not be null", name);
    checkArgument(
        ignoreLabel < 0 || ignoreLabel >= numClasses,
        "ignore label must lie outside the classes [0, %s), got %s; use e.g. -1 or 255",
        numClasses,
        ignoreLabel);
    return create(
        name,
        images.clone(),
        labels.clone(),
        size,
        height,
        width,
        channels,
        numClasses,
        true,
        ignoreLabel);
  }

  /**
   * Validates and takes ownership of the arrays: the loaders of this package hand over fresh
   * arrays.
   */
  static Dataset create(
      String name,
      float[] images,
      int[] labels,
      int size,
      int height,
      int width,
      int channels,
      int numClasses,
      boolean dense,
      int ignoreLabel) {
    checkArgument(
        !name.isBlank(),
        "data set name must not be blank, got \"%s\"; pass e.g. \"fashion-mnist-train\"",
        name);
    checkArgument(
        height > 0 && width > 0 && channels > 0,
        "image height, width and channels must be positive, got %sx%sx%s; pass the shape of one"
            + " image",
        height,
        width,
        channels);
    checkArgument(size >= 0, "sample count must not be negative, got %s", size);
    checkArgument(
        numClasses > 0,
        "number of classes must be positive, got %s; pass e.g. 10 for fashion-mnist",
        numClasses);
    long sampleLength = (long) height * width * channels;
    checkArgument(
        images.length == size * sampleLength,
        "%s samples of %sx%sx%s need %s floats, got %s; pass NHWC images, one per label",
        size,
        height,
        width,
        channels,
        size * sampleLength,
        images.length);
    long labelCount = dense ? (long) size * height * width : size;
    checkArgument(
        labels.length == labelCount,
        "%s samples need %s labels (%s), got %s; pass matching labels",
        size,
        labelCount,
        dense ? "one per pixel" : "one per sample",
        labels.length);
    for (int i = 0; i < images.length; i++) {
      float v = images[i];
      if (!(v >= 0f && v <= 1f)) { // also catches NaN
        throw new IllegalArgumentException(
            String.format(
                "pixel values must lie in [0, 1], got %s at index %s; scale them first", v, i));
      }
    }
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      if ((l < 0 || l >= numClasses) && !(dense && l == ignoreLabel)) {
        throw new IllegalArgumentException(
            String.format(
                "label %s at index %s is outside the classes [0, %s); labels count from 0, so pass"
                    + " numClasses above the largest label",
                l, i, numClasses));
      }
    }
    return new Dataset(
        name, images, labels, size, height, width, channels, numClasses, dense, ignoreLabel);
  }

  /** The name and size, as provenance records a data set: {@code NAME (SIZE)}. */
  public String describe() {
    return name() + " (" + size() + ")";
  }

  /** A short name for logs and reports, e.g. {@code fashion-mnist-train}. */
  public String name() {
    return name;
  }

  /** The number of samples. */
  public int size() {
    return size;
  }

  /** Image height in pixels. */
  public int height() {
    return height;
  }

  /** Image width in pixels. */
  public int width() {
    return width;
  }

  /** Channels per pixel (1 for grey, 3 for RGB). */
  public int channels() {
    return channels;
  }

  /** The number of classes; labels lie in [0, numClasses). */
  public int numClasses() {
    return numClasses;
  }

  /** Whether labels are per pixel (dense prediction) rather than per sample. */
  public boolean isDense() {
    return dense;
  }

  /** The label of pixels that count for nothing (dense sets), or {@link #NO_IGNORE_LABEL}. */
  public int ignoreLabel() {
    return ignoreLabel;
  }

  /** Floats per sample: height * width * channels. */
  public int sampleLength() {
    return height * width * channels;
  }

  /** Labels per sample: 1 for classification, height * width for dense sets. */
  public int labelsPerSample() {
    return dense ? height * width : 1;
  }

  /** The class of one sample of a classification set. */
  public int label(int sample) {
    checkState(!dense, "data set %s has per-pixel labels; use labels(sample)", name);
    checkElementIndex(sample, size, "sample");
    return labels[sample];
  }

  /**
   * A copy of one sample's labels: one element for classification, height * width for dense sets.
   */
  public int[] labels(int sample) {
    checkElementIndex(sample, size, "sample");
    int per = labelsPerSample();
    return Arrays.copyOfRange(labels, sample * per, (sample + 1) * per);
  }

  /** A copy of one image in HWC order. */
  public float[] image(int sample) {
    checkElementIndex(sample, size, "sample");
    int len = sampleLength();
    return Arrays.copyOfRange(images, sample * len, (sample + 1) * len);
  }

  /** One pixel value, without copying the image. */
  public float pixel(int sample, int y, int x, int channel) {
    checkElementIndex(sample, size, "sample");
    checkElementIndex(y, height, "row");
    checkElementIndex(x, width, "column");
    checkElementIndex(channel, channels, "channel");
    return images[((sample * height + y) * width + x) * channels + channel];
  }

  /**
   * How many samples (classification) or labelled pixels (dense) each class has; reveals imbalance.
   */
  public long[] classCounts() {
    long[] counts = new long[numClasses];
    for (int l : labels) {
      if (l != ignoreLabel || !dense) {
        counts[l]++;
      }
    }
    return counts;
  }

  /** The contiguous samples {@code [from, to)}, e.g. to split off a validation set; copies them. */
  public Dataset subset(int from, int to) {
    checkPositionIndexes(from, to, size);
    int len = sampleLength();
    int per = labelsPerSample();
    return new Dataset(
        name + "[" + from + ":" + to + "]",
        Arrays.copyOfRange(images, from * len, to * len),
        Arrays.copyOfRange(labels, from * per, to * per),
        to - from,
        height,
        width,
        channels,
        numClasses,
        dense,
        ignoreLabel);
  }

  /**
   * {@code n} distinct samples drawn uniformly at random by {@code random}, e.g. for a smoke run;
   * copies them.
   */
  public Dataset sample(int n, SplittableRandom random) {
    checkNotNull(random, "random stream must not be null; pass e.g. new SplittableRandom(seed)");
    checkArgument(
        n >= 0 && n <= size, "cannot sample %s of %s samples; ask for 0 to %s", n, size, size);
    return subset(Arrays.copyOf(Loader.permutation(size, random), n));
  }

  /**
   * At most {@code n} samples: all of them when {@code n} is 0 or not below the size, otherwise
   * {@link #sample} from the stream {@code purpose} of {@code seed} ({@link
   * dev.supertickets.tensor.RandomStreams}), so that runs with the same seed and purpose see the
   * same subset.
   */
  public Dataset limit(int n, long seed, String purpose) {
    checkArgument(n >= 0, "a limit must be 0 (all) or positive, got %s", n);
    checkNotNull(purpose, "purpose must not be null; e.g. \"train-limit\"");
    return n == 0 || n >= size
        ? this
        : sample(n, new dev.supertickets.tensor.RandomStreams(seed).stream(purpose));
  }

  /**
   * The given samples in the given order (repeats allowed), e.g. for a class-balanced subset;
   * copies them.
   */
  public Dataset subset(int[] indices) {
    int len = sampleLength();
    int per = labelsPerSample();
    float[] im = new float[Math.multiplyExact(indices.length, len)];
    int[] lb = new int[Math.multiplyExact(indices.length, per)];
    for (int i = 0; i < indices.length; i++) {
      checkElementIndex(indices[i], size, "sample index");
      System.arraycopy(images, indices[i] * len, im, i * len, len);
      System.arraycopy(labels, indices[i] * per, lb, i * per, per);
    }
    return new Dataset(
        name + "[" + indices.length + " selected]",
        im,
        lb,
        indices.length,
        height,
        width,
        channels,
        numClasses,
        dense,
        ignoreLabel);
  }

  /** The same data under another name (shares the arrays: both are immutable). */
  public Dataset withName(String newName) {
    checkNotNull(newName, "data set name must not be null; pass e.g. \"fashion-mnist-val\"");
    checkArgument(!newName.isBlank(), "data set name must not be blank, got \"%s\"", newName);
    return new Dataset(
        newName, images, labels, size, height, width, channels, numClasses, dense, ignoreLabel);
  }

  /**
   * The per-channel mean and standard deviation of this set's pixels, to normalise batches with.
   */
  public Normalization channelStatistics() {
    return Normalization.of(this);
  }

  /** The images without a copy, for the loader; never modify. */
  float[] imageArray() {
    return images;
  }

  /** The labels without a copy, for the loader; never modify. */
  int[] labelArray() {
    return labels;
  }

  @Override
  public String toString() {
    return String.format(
        "Dataset[%s: %d x %dx%dx%d, %d classes%s]",
        name,
        size,
        height,
        width,
        channels,
        numClasses,
        dense ? ", dense labels, ignore " + ignoreLabel : "");
  }
}
