package dev.supertickets.bench;

import dev.supertickets.data.Batch;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.SparsePath;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.Sgd;
import dev.supertickets.train.Trainer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SuperTickets-J's side of a row: a network timed either as a training step ({@link Trainer#step}:
 * forward, softmax cross-entropy, backward, SGD lr 0.01 momentum 0.9 as {@link TorchStep} does,
 * with masks enforced when the network has them) or as an inference pass (eval mode, in a step
 * workspace), on one fixed random NHWC batch.
 */
public final class OursStep implements TimedStep {
  private final Module model;
  private final Trainer trainer;
  private final Batch batch;

  /**
   * Whether inference takes the sparse path ({@link SparsePath}), set around each pass and restored
   * after.
   */
  private final boolean sparse;

  private OursStep(
      Module model,
      boolean training,
      int batchSize,
      int height,
      int width,
      int channels,
      int classes,
      long seed) {
    this(model, training, batchSize, height, width, channels, classes, seed, true);
  }

  private OursStep(
      Module model,
      boolean training,
      int batchSize,
      int height,
      int width,
      int channels,
      int classes,
      long seed,
      boolean sparse) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    Backend.init();
    this.model = model;
    this.sparse = sparse;
    this.trainer =
        training
            ? Trainer.builder(model)
                .optimizer(new Sgd(0.9, false))
                .schedule(LrSchedule.constant(0.01))
                .build()
            : null;
    SplittableRandom rng = new SplittableRandom(seed);
    int[] y = new int[batchSize];
    for (int i = 0; i < y.length; i++) {
      y[i] = rng.nextInt(classes);
    }
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, batchSize, height, width, channels);
      this.batch = new Batch(x, y, batchSize);
    }
  }

  /**
   * A training step of {@code model}.
   *
   * @param model the network, NHWC in, logits out
   * @param batchSize images per step
   * @param height image height
   * @param width image width
   * @param channels image channels
   * @param classes number of classes of the random labels
   * @param seed seed of the data
   * @return the step
   */
  public static OursStep training(
      Module model, int batchSize, int height, int width, int channels, int classes, long seed) {
    return new OursStep(model, true, batchSize, height, width, channels, classes, seed);
  }

  /**
   * An inference pass of {@code model} (eval mode).
   *
   * @param model the network
   * @param batchSize images per pass
   * @param height image height
   * @param width image width
   * @param channels image channels
   * @param seed seed of the data
   * @return the step
   */
  public static OursStep inference(
      Module model, int batchSize, int height, int width, int channels, long seed) {
    return new OursStep(model, false, batchSize, height, width, channels, 1, seed);
  }

  /**
   * An inference pass of {@code model} (eval mode) with the sparse path of 1x1 convolutions and
   * linear layers on or off ({@link SparsePath#setEnabled}, restored after each pass).
   *
   * @param model the network
   * @param batchSize images per pass
   * @param height image height
   * @param width image width
   * @param channels image channels
   * @param seed seed of the data
   * @param sparse whether sparse weights multiply through {@code SparseMatmul}
   * @return the step
   */
  public static OursStep inference(
      Module model, int batchSize, int height, int width, int channels, long seed, boolean sparse) {
    return new OursStep(model, false, batchSize, height, width, channels, 1, seed, sparse);
  }

  @Override
  public void step() {
    if (trainer != null) {
      trainer.step(batch, 0);
      return;
    }
    boolean was = SparsePath.isEnabled();
    SparsePath.setEnabled(sparse);
    try (MemoryWorkspace ignored = Workspaces.step()) {
      model.forward(batch.x(), Mode.EVAL);
      model.clearCache();
    } finally {
      SparsePath.setEnabled(was);
    }
  }

  @Override
  public int batchSize() {
    return batch.size();
  }
}
