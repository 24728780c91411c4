package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Builds {@link Dataset}s from pairs of IDX files (images and labels), so that MNIST,
 * Fashion-MNIST, KMNIST and any other data set in that format load the same way. Images are {@code
 * [N, H, W]} (grey) or {@code [N, H, W, C]} unsigned bytes, scaled to [0, 1] by dividing by 255.
 * Disagreements between the two files (sample counts, shapes, labels outside the classes) are
 * {@link FileFormatException}s naming both files.
 */
public final class IdxDatasets {
  private IdxDatasets() {}

  /** Loads a classification set: labels {@code [N]}, each in [0, numClasses). */
  public static Dataset load(Path images, Path labels, int numClasses, String name)
      throws IOException {
    checkNotNull(images, "image file must not be null");
    checkNotNull(labels, "label file must not be null");
    checkNotNull(name, "data set name must not be null");
    return classification(IdxReader.read(images), IdxReader.read(labels), numClasses, name);
  }

  /**
   * Loads a dense-prediction set (e.g. segmentation masks): labels {@code [N, H, W]}, each in [0,
   * numClasses) or equal to {@code ignoreLabel} (typically 255 in mask files).
   */
  public static Dataset loadDense(
      Path images, Path labels, int numClasses, int ignoreLabel, String name) throws IOException {
    checkNotNull(images, "image file must not be null");
    checkNotNull(labels, "label file must not be null");
    checkNotNull(name, "data set name must not be null");
    return dense(IdxReader.read(images), IdxReader.read(labels), numClasses, ignoreLabel, name);
  }

  /** A classification set from IDX arrays already read (e.g. from class-path resources). */
  public static Dataset classification(
      IdxArray images, IdxArray labels, int numClasses, String name) throws FileFormatException {
    checkNotNull(images, "images must not be null");
    checkNotNull(labels, "labels must not be null");
    checkNotNull(name, "data set name must not be null");
    checkArgument(
        numClasses > 0 && numClasses <= 256,
        "number of classes must be in [1, 256], got %s",
        numClasses);
    int[] shape = imageShape(images);
    if (labels.rank() != 1) {
      throw new FileFormatException(
          labels.source(),
          "label file must have 1 dimension [N], got " + Arrays.toString(labels.dims()));
    }
    checkCounts(images, labels);
    int[] y = toLabels(labels, numClasses, -1);
    return Dataset.create(
        name,
        scale(images),
        y,
        y.length,
        shape[0],
        shape[1],
        shape[2],
        numClasses,
        false,
        Dataset.NO_IGNORE_LABEL);
  }

  /** A dense-prediction set from IDX arrays already read. */
  public static Dataset dense(
      IdxArray images, IdxArray labels, int numClasses, int ignoreLabel, String name)
      throws FileFormatException {
    checkNotNull(images, "images must not be null");
    checkNotNull(labels, "labels must not be null");
    checkNotNull(name, "data set name must not be null");
    checkArgument(
        numClasses > 0 && numClasses <= 256,
        "number of classes must be in [1, 256], got %s",
        numClasses);
    checkArgument(
        ignoreLabel < 0 || ignoreLabel >= numClasses,
        "ignore label must lie outside the classes [0, %s), got %s",
        numClasses,
        ignoreLabel);
    int[] shape = imageShape(images);
    if (labels.rank() != 3 || labels.dim(1) != shape[0] || labels.dim(2) != shape[1]) {
      throw new FileFormatException(
          labels.source(),
          String.format(
              Locale.ROOT,
              "per-pixel label file must be [N, %d, %d] to match images %s, got %s",
              shape[0],
              shape[1],
              images.source(),
              Arrays.toString(labels.dims())));
    }
    checkCounts(images, labels);
    return Dataset.create(
        name,
        scale(images),
        toLabels(labels, numClasses, ignoreLabel),
        images.dim(0),
        shape[0],
        shape[1],
        shape[2],
        numClasses,
        true,
        ignoreLabel);
  }

  private static int[] imageShape(IdxArray images) throws FileFormatException {
    if (images.rank() == 3) {
      return new int[] {images.dim(1), images.dim(2), 1};
    }
    if (images.rank() == 4) {
      return new int[] {images.dim(1), images.dim(2), images.dim(3)};
    }
    throw new FileFormatException(
        images.source(),
        "image file must have 3 dimensions [N, H, W] or 4 [N, H, W, C], got "
            + Arrays.toString(images.dims()));
  }

  private static void checkCounts(IdxArray images, IdxArray labels) throws FileFormatException {
    if (images.dim(0) != labels.dim(0)) {
      throw new FileFormatException(
          images.source(),
          String.format(
              Locale.ROOT,
              "holds %d images but label file %s holds %d samples; the two files must come from the"
                  + " same split",
              images.dim(0),
              labels.source(),
              labels.dim(0)));
    }
    for (int axis = 1; axis < images.rank(); axis++) {
      if (images.dim(axis) == 0) {
        throw new FileFormatException(
            images.source(),
            "image dimensions must be positive, got " + Arrays.toString(images.dims()));
      }
    }
  }

  private static int[] toLabels(IdxArray labels, int numClasses, int ignoreLabel)
      throws FileFormatException {
    byte[] raw = labels.rawData();
    int[] y = new int[raw.length];
    for (int i = 0; i < raw.length; i++) {
      int l = raw[i] & 0xff;
      if (l >= numClasses && l != ignoreLabel) {
        throw new FileFormatException(
            labels.source(),
            String.format(
                Locale.ROOT,
                "label %d at element %d is outside the classes [0, %d)",
                l,
                i,
                numClasses));
      }
      y[i] = l;
    }
    return y;
  }

  private static float[] scale(IdxArray images) {
    byte[] raw = images.rawData();
    float[] out = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = (raw[i] & 0xff) / 255f;
    }
    return out;
  }
}
