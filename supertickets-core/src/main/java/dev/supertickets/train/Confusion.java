package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A confusion matrix over {@code k} classes ({@code counts[truth][prediction]}), with the two
 * standard segmentation scores computed exactly from it: pixel accuracy and mean intersection over
 * union. The mean runs over the classes that occur in the truth or in the predictions (union above
 * zero), as is usual for mIoU; a class absent from both has no defined IoU and is left out.
 */
public record Confusion(long[][] counts) {
  /** Validates the matrix: square, at least one class, no negative counts. */
  public Confusion {
    checkArgument(counts.length > 0, "a confusion matrix needs at least one class");
    for (long[] row : counts) {
      checkArgument(
          row.length == counts.length,
          "a confusion matrix must be square, got a row of %s for %s " + "classes",
          row.length,
          counts.length);
      for (long c : row) {
        checkArgument(c >= 0, "confusion counts must be non-negative, got %s", c);
      }
    }
  }

  /** An all-zero matrix over {@code k} classes, to fill with {@link #add}. */
  public static Confusion empty(int k) {
    checkArgument(k > 0, "number of classes must be positive, got %s", k);
    return new Confusion(new long[k][k]);
  }

  /** Counts one labelled pixel (or sample). */
  public void add(int truth, int prediction) {
    counts[truth][prediction]++;
  }

  public int classes() {
    return counts.length;
  }

  /** Pixels counted. */
  public long total() {
    long t = 0;
    for (long[] row : counts) {
      for (long c : row) {
        t += c;
      }
    }
    return t;
  }

  /** Correct pixels over all pixels (0 when empty). */
  public double pixelAccuracy() {
    long correct = 0;
    for (int i = 0; i < counts.length; i++) {
      correct += counts[i][i];
    }
    long t = total();
    return t == 0 ? 0 : (double) correct / t;
  }

  /** IoU of one class, {@code TP / (TP + FP + FN)}, or NaN when the class occurs nowhere. */
  public double iou(int c) {
    long tp = counts[c][c];
    long fn = 0;
    long fp = 0;
    for (int j = 0; j < counts.length; j++) {
      if (j != c) {
        fn += counts[c][j];
        fp += counts[j][c];
      }
    }
    long union = tp + fp + fn;
    return union == 0 ? Double.NaN : (double) tp / union;
  }

  /** Mean IoU over the classes that occur (0 when none does). */
  public double meanIoU() {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < counts.length; c++) {
      double v = iou(c);
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }
}
