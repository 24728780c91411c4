package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.data.Augmentation.Transform;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The batches of one epoch of a {@link Loader}, in order. Each batch's samples are copied
 * (augmented and normalised) into one float buffer that the iterator reuses, then handed to ND4J;
 * the data set itself is never copied. Not thread-safe: one consumer per epoch.
 */
public final class BatchIterator implements Iterator<Batch> {
  private final Loader loader;
  private final Dataset data;
  private final int[] order;
  private final int end;
  private final SplittableRandom augmentRandom;
  private final float[] mean;
  private final float[] std;
  private float[] buffer;
  private INDArray reused;
  private int position;

  BatchIterator(Loader loader, int[] order, SplittableRandom augmentRandom) {
    this.loader = loader;
    this.data = loader.dataset();
    this.order = order;
    this.end = loader.samplesPerEpoch();
    this.augmentRandom = augmentRandom;
    this.mean = loader.normalization().mean();
    this.std = loader.normalization().std();
  }

  @Override
  public boolean hasNext() {
    return position < end;
  }

  /** The number of batches still to come in this epoch. */
  public int remainingBatches() {
    int b = loader.batchSize();
    return (end - position + b - 1) / b;
  }

  /**
   * Passes over the next {@code batches} batches without building them, drawing their augmentations
   * so that the batches after them are exactly those of an uninterrupted pass (resumed runs).
   */
  public void skip(int batches) {
    checkArgument(
        batches >= 0 && batches <= remainingBatches(),
        "can skip 0 to %s batches, got %s",
        remainingBatches(),
        batches);
    int samples = Math.min(end - position, batches * loader.batchSize());
    Augmentation augmentation = loader.augmentation();
    if (!augmentation.isNone()) {
      for (int j = 0; j < samples; j++) {
        augmentation.draw(augmentRandom);
      }
    }
    position += samples;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch exhausted after " + end + " samples");
    }
    int size = Math.min(loader.batchSize(), end - position);
    int len = data.sampleLength();
    int per = data.labelsPerSample();
    if (buffer == null || buffer.length != size * len) {
      buffer = new float[size * len]; // once per epoch, plus once for a short last batch
      reused = null;
    }
    int[] y = new int[size * per];
    float[] images = data.imageArray();
    int[] labels = data.labelArray();
    Augmentation augmentation = loader.augmentation();
    boolean plainCopy = augmentation.isNone() && loader.normalization().isIdentity();
    for (int j = 0; j < size; j++) {
      int s = order[position + j];
      Transform t = augmentation.isNone() ? Transform.IDENTITY : augmentation.draw(augmentRandom);
      if (plainCopy) {
        System.arraycopy(images, s * len, buffer, j * len, len);
      } else {
        t.apply(
            images,
            s * len,
            buffer,
            j * len,
            data.height(),
            data.width(),
            data.channels(),
            mean,
            std);
      }
      if (data.isDense() && !t.isIdentity()) {
        t.applyToLabels(
            labels, s * per, y, j * per, data.height(), data.width(), data.ignoreLabel());
      } else {
        System.arraycopy(labels, s * per, y, j * per, per);
      }
    }
    position += size;
    return new Batch(toArray(size), y, size);
  }

  private INDArray toArray(int size) {
    long[] shape = {size, data.height(), data.width(), data.channels()};
    if (!loader.reuseArrays()) {
      return Nd4j.create(buffer, shape, DataType.FLOAT);
    }
    if (reused == null) {
      reused = Nd4j.create(DataType.FLOAT, shape, 'c');
    }
    reused.data().setData(buffer);
    return reused;
  }
}
