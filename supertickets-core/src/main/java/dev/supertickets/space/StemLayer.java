package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One fixed (not searchable, but weight-prunable) stem layer: a {@code kernelSize x kernelSize}
 * convolution without bias, padding {@code (kernelSize-1)/2}, then BatchNorm, then the space's
 * activation.
 *
 * @param outChannels output channels
 * @param kernelSize odd kernel size
 * @param stride stride (the product of the stem strides is the space's input stride)
 */
public record StemLayer(int outChannels, int kernelSize, int stride) {
  /** Validates the layer. */
  public StemLayer {
    checkArgument(
        outChannels >= 1, "stem layer out channels must be at least 1, got %s", outChannels);
    checkArgument(
        kernelSize >= 1 && kernelSize % 2 == 1,
        "stem kernel size must be odd and positive (padding (k-1)/2 keeps the size), got %s",
        kernelSize);
    checkArgument(stride >= 1, "stem stride must be at least 1, got %s", stride);
  }
}
