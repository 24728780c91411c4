package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.tensor.RandomStreams;
import java.util.SplittableRandom;

/**
 * A dense-prediction task made of real images: each scene is a blank canvas holding two to four
 * items of a classification set (e.g. Fashion-MNIST) at seeded random positions, drawn in order,
 * later items on top. A pixel is labelled with the class of the topmost item whose own pixel there
 * is at or above the intensity threshold; all other pixels are background, the class after the
 * items' classes ({@code items.numClasses()}). The canvas pixel is that item's pixel (0 for
 * background), so image and labels agree everywhere.
 *
 * <p>Deterministic: scene {@code i} depends only on the seed, {@code i} and the items; it draws its
 * items from the set it is given, so scenes built from the Fashion-MNIST training set never contain
 * a test image. Single channel items only (grey-scale, like every IDX image set of this kind).
 */
public final class SegmentationScenes {
  private SegmentationScenes() {}

  /** Starts configuring scenes over the items of a classification set. */
  public static Builder builder(Dataset items) {
    return new Builder(items);
  }

  /**
   * Fluent configuration; defaults: 56x56 canvas, 2 to 4 items, threshold 0.2, one scene per item,
   * seed 0.
   */
  public static final class Builder {
    private final Dataset items;
    private int height = 56;
    private int width = 56;
    private int minItems = 2;
    private int maxItems = 4;
    private float threshold = 0.2f;
    private int scenes;
    private long seed;
    private String name;

    private Builder(Dataset items) {
      this.items = checkNotNull(items, "item data set must not be null");
      checkArgument(
          !items.isDense(),
          "scenes are made of a classification set's items, but %s has per-pixel "
              + "labels; pass a classification set such as FashionMnist.train()",
          items.name());
      checkArgument(
          items.channels() == 1,
          "scenes are grey-scale, but %s has %s channels; pass single-channel " + "images",
          items.name(),
          items.channels());
      checkArgument(
          items.size() > 0, "item data set %s is empty; pass a set with images", items.name());
      this.scenes = items.size();
    }

    /** Canvas size in pixels; each item must fit inside it. */
    public Builder canvas(int h, int w) {
      checkArgument(
          h >= items.height() && w >= items.width(),
          "canvas %sx%s must hold an item of %sx%s; use a "
              + "canvas at least as large as the items",
          h,
          w,
          items.height(),
          items.width());
      this.height = h;
      this.width = w;
      return this;
    }

    /** Number of items per scene, drawn uniformly from {@code [min, max]}. */
    public Builder itemsPerScene(int min, int max) {
      checkArgument(
          min >= 1 && max >= min,
          "items per scene must satisfy 1 <= min <= max, got %s..%s",
          min,
          max);
      this.minItems = min;
      this.maxItems = max;
      return this;
    }

    /**
     * Item pixels at or above this intensity (in [0, 1]) cover what lies below; the rest is
     * transparent.
     */
    public Builder threshold(double t) {
      checkArgument(t > 0 && t <= 1, "intensity threshold must be in (0, 1], got %s", t);
      this.threshold = (float) t;
      return this;
    }

    /** Number of scenes (default: as many as there are items). */
    public Builder scenes(int n) {
      checkArgument(n > 0, "number of scenes must be positive, got %s", n);
      this.scenes = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Name of the resulting set (default: {@code <items>-scenes-<h>x<w>}). */
    public Builder name(String n) {
      checkArgument(n != null && !n.isBlank(), "data set name must not be blank");
      this.name = n;
      return this;
    }

    /** Generates the scenes. */
    public Dataset build() {
      checkArgument(
          height >= items.height() && width >= items.width(),
          "canvas %sx%s must hold an item of " + "%sx%s; call canvas(h, w) with a larger canvas",
          height,
          width,
          items.height(),
          items.width());
      int ih = items.height();
      int iw = items.width();
      int plane = height * width;
      float[] images = new float[scenes * plane];
      int[] labels = new int[scenes * plane];
      int background = items.numClasses();
      float[] all = items.imageArray();
      RandomStreams streams = new RandomStreams(seed);
      for (int s = 0; s < scenes; s++) {
        SplittableRandom r = streams.stream("scene", s);
        int base = s * plane;
        java.util.Arrays.fill(labels, base, base + plane, background);
        int count = minItems + r.nextInt(maxItems - minItems + 1);
        for (int k = 0; k < count; k++) {
          int item = r.nextInt(items.size());
          int top = r.nextInt(height - ih + 1);
          int left = r.nextInt(width - iw + 1);
          int cls = items.label(item);
          int src = item * ih * iw;
          for (int y = 0; y < ih; y++) {
            for (int x = 0; x < iw; x++) {
              float v = all[src + y * iw + x];
              if (v >= threshold) {
                int dst = base + (top + y) * width + left + x;
                images[dst] = v;
                labels[dst] = cls;
              }
            }
          }
        }
      }
      String n = name != null ? name : items.name() + "-scenes-" + height + "x" + width;
      return Dataset.create(
          n,
          images,
          labels,
          scenes,
          height,
          width,
          1,
          background + 1,
          true,
          Dataset.NO_IGNORE_LABEL);
    }
  }
}
