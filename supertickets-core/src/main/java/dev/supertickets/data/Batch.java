package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch: {@code x} is float32 NHWC {@code [size, height, width, channels]}; {@code y}
 * holds {@code size} class labels (classification) or {@code size * height * width} per-pixel
 * labels in row-major order (dense). The label array is the batch's own and is not copied: treat it
 * as read-only. With {@link Loader.Builder#reuseArrays(boolean)} on, {@code x} is only valid until
 * the next batch is drawn.
 *
 * @param x the images, float32 NHWC
 * @param y the labels, per sample or per pixel
 * @param size the number of samples
 */
public record Batch(INDArray x, int[] y, int size) {
  /** Checks that the shapes agree, so that a mismatch fails here rather than deep inside a loss. */
  public Batch {
    checkArgument(size > 0, "batch size must be positive, got %s", size);
    checkArgument(
        x.dataType() == DataType.FLOAT && x.rank() == 4 && x.size(0) == size,
        "batch images must be float32 [%s, h, w, c], got %s %s",
        size,
        x.dataType(),
        Arrays.toString(x.shape()));
    long perPixel = x.size(0) * x.size(1) * x.size(2);
    checkArgument(
        y.length == size || y.length == perPixel,
        "batch of %s needs %s labels (per sample) or %s (per pixel), got %s",
        size,
        size,
        perPixel,
        y.length);
  }

  /**
   * Whether the labels are per pixel (for 1x1 images both readings coincide and this says false).
   */
  public boolean isDense() {
    return y.length != size;
  }
}
