package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The spatial size of a feature map.
 *
 * @param height rows
 * @param width columns
 */
public record Resolution(int height, int width) {
  /** Validates the sizes. */
  public Resolution {
    checkArgument(
        height >= 1 && width >= 1, "a resolution must be at least 1x1, got %sx%s", height, width);
  }

  /** {@code height * width}. */
  public long pixels() {
    return (long) height * width;
  }

  /**
   * The output size of a convolution with an odd kernel, padding {@code (k-1)/2} and this stride:
   * {@code ceil(h/stride) x ceil(w/stride)}, the same for every odd kernel size (PyTorch's {@code
   * floor((h + 2p - k)/s) + 1}).
   */
  public Resolution strided(int stride) {
    checkArgument(stride >= 1, "stride must be at least 1, got %s", stride);
    return new Resolution((height + stride - 1) / stride, (width + stride - 1) / stride);
  }

  @Override
  public String toString() {
    return height + "x" + width;
  }
}
