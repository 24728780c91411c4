package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.SplittableRandom;

/**
 * Random training-time augmentation, applied while a sample is copied into its batch: a random crop
 * from the image padded by {@code cropPadding} zero pixels on every side (back to the original
 * size), then a horizontal flip with probability 1/2. Draws come from a seeded stream, so the same
 * seed gives the same batches. Per-pixel labels move with their pixels; padding pixels get the data
 * set's ignore label.
 *
 * @param cropPadding zero pixels added on each side before the random crop; 0 for no crop
 * @param horizontalFlip whether to mirror left-right with probability 1/2
 */
public record Augmentation(int cropPadding, boolean horizontalFlip) {
  /** Validates the padding. */
  public Augmentation {
    checkArgument(
        cropPadding >= 0,
        "crop padding must not be negative, got %s; use 0 for no crop",
        cropPadding);
  }

  /** No augmentation: for evaluation and for baselines. */
  public static Augmentation none() {
    return new Augmentation(0, false);
  }

  /**
   * The usual CIFAR/Fashion-MNIST recipe: random crop with {@code padding} zero pixels, then random
   * flip.
   */
  public static Augmentation cropAndFlip(int padding) {
    return new Augmentation(padding, true);
  }

  /** Whether this augmentation never changes a sample. */
  public boolean isNone() {
    return cropPadding == 0 && !horizontalFlip;
  }

  /** Draws one sample's transform: crop offsets in [0, 2 * padding] and the flip. */
  Transform draw(SplittableRandom random) {
    int dy = cropPadding == 0 ? 0 : random.nextInt(2 * cropPadding + 1);
    int dx = cropPadding == 0 ? 0 : random.nextInt(2 * cropPadding + 1);
    boolean flip = horizontalFlip && random.nextBoolean();
    return new Transform(cropPadding, dy, dx, flip);
  }

  /**
   * One drawn transform: output pixel (y, x) shows source pixel (y + dy - pad, x' + dx - pad),
   * where x' is {@code width - 1 - x} when flipped and x otherwise; a source outside the image is
   * padding. So offsets of exactly {@code pad} without a flip are the identity.
   */
  record Transform(int pad, int dy, int dx, boolean flip) {
    static final Transform IDENTITY = new Transform(0, 0, 0, false);

    boolean isIdentity() {
      return dy == pad && dx == pad && !flip;
    }

    /**
     * Copies one HWC image from {@code src} into {@code dst}, transformed and normalised; padding
     * is a zero pixel before normalisation, as if the stored image had been padded with black.
     */
    void apply(
        float[] src,
        int srcOff,
        float[] dst,
        int dstOff,
        int h,
        int w,
        int c,
        float[] mean,
        float[] std) {
      for (int y = 0; y < h; y++) {
        int sy = y + dy - pad;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx - pad;
          int o = dstOff + (y * w + x) * c;
          boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
          int s = srcOff + (sy * w + sx) * c;
          for (int k = 0; k < c; k++) {
            float v = inside ? src[s + k] : 0f;
            dst[o + k] = (v - mean[k]) / std[k];
          }
        }
      }
    }

    /**
     * Moves per-pixel labels exactly as {@link #apply} moves pixels; padding gets {@code ignore}.
     */
    void applyToLabels(int[] src, int srcOff, int[] dst, int dstOff, int h, int w, int ignore) {
      for (int y = 0; y < h; y++) {
        int sy = y + dy - pad;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx - pad;
          boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
          dst[dstOff + y * w + x] = inside ? src[srcOff + sy * w + sx] : ignore;
        }
      }
    }
  }
}
