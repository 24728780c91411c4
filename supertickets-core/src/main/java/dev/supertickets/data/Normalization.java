package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation, applied as {@code (x - mean) / std} while batches are
 * copied, so that the stored data set stays in [0, 1] and is never rewritten. Compute it on the
 * training split only and reuse it for the test split.
 *
 * @param mean per-channel mean subtracted first
 * @param std per-channel standard deviation divided by next
 */
public record Normalization(float[] mean, float[] std) {
  /** Validates and copies the arrays. */
  public Normalization {
    checkArgument(
        mean.length > 0 && mean.length == std.length,
        "mean and std need one value per channel, got %s and %s; pass one mean and one std per"
            + " channel",
        mean.length,
        std.length);
    for (int c = 0; c < std.length; c++) {
      checkArgument(
          Float.isFinite(mean[c]), "mean of channel %s must be finite, got %s", c, (Float) mean[c]);
      checkArgument(
          std[c] > 0 && Float.isFinite(std[c]),
          "std of channel %s must be positive and finite, got %s; use 1 for a constant channel",
          c,
          (Float) std[c]);
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** The normalisation that changes nothing, for code that always normalises. */
  public static Normalization identity(int channels) {
    checkArgument(
        channels > 0,
        "channels must be positive, got %s; pass 1 for grey or 3 for rgb images",
        channels);
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    return new Normalization(new float[channels], ones);
  }

  /** The statistics of a data set's pixels (population std; a constant channel gets std 1). */
  public static Normalization of(Dataset data) {
    checkArgument(
        data.size() > 0, "cannot compute statistics of the empty data set %s", data.name());
    int c = data.channels();
    double[] sum = new double[c];
    double[] sumSq = new double[c];
    float[] images = data.imageArray();
    for (int i = 0; i < images.length; i++) {
      double v = images[i];
      sum[i % c] += v;
      sumSq[i % c] += v * v;
    }
    long n = (long) images.length / c;
    float[] mean = new float[c];
    float[] std = new float[c];
    for (int k = 0; k < c; k++) {
      double m = sum[k] / n;
      double var = Math.max(0, sumSq[k] / n - m * m);
      mean[k] = (float) m;
      std[k] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
    }
    return new Normalization(mean, std);
  }

  /** The number of channels this normalisation is for. */
  public int channels() {
    return mean.length;
  }

  /** A copy of the per-channel means. */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /** A copy of the per-channel standard deviations. */
  @Override
  public float[] std() {
    return std.clone();
  }

  /** Whether applying this changes nothing (lets the loader copy samples as they are). */
  public boolean isIdentity() {
    for (int c = 0; c < mean.length; c++) {
      if (mean[c] != 0f || std[c] != 1f) {
        return false;
      }
    }
    return true;
  }

  /** Normalises one value of a channel. */
  public float apply(float value, int channel) {
    checkElementIndex(channel, mean.length, "channel");
    return (value - mean[channel]) / std[channel];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization other
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(std, other.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
