package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The input images of a supernet: channels, height and width (the model sees NHWC batches of this
 * shape).
 *
 * @param channels image channels, e.g. 1 for Fashion-MNIST, 3 for RGB
 * @param height image height in pixels
 * @param width image width in pixels
 */
public record InputSpec(int channels, int height, int width) {
  /** Validates the sizes. */
  public InputSpec {
    checkArgument(channels >= 1, "input channels must be at least 1, got %s", channels);
    checkArgument(
        height >= 1 && width >= 1,
        "input height and width must be at least 1, got %sx%s; "
            + "give the size of the images the supernet is trained on",
        height,
        width);
  }

  /** The input resolution. */
  public Resolution resolution() {
    return new Resolution(height, width);
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
