package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Dataset;
import dev.supertickets.space.DenseHead;
import dev.supertickets.space.SearchSpace;

/**
 * The checks every training entry point (drawing, retraining) runs on its data before it touches
 * ND4J, so that a wrong data set fails at once with the value, the rule and the fix instead of deep
 * inside a forward pass.
 */
public final class DataChecks {
  private DataChecks() {}

  /**
   * Checks that {@code data} fits {@code space}: same image size and channels, as many classes as
   * the head predicts, the same kind of labels (per sample or per pixel), and at least {@code
   * minSamples} samples.
   *
   * @param role what the data is for, used in messages ("training", "test")
   */
  public static void checkFits(SearchSpace space, Dataset data, String role, int minSamples) {
    checkNotNull(space, "search space must not be null");
    checkNotNull(role, "role must not be null; pass what the data is for, e.g. \"training\"");
    checkNotNull(data, "%s data must not be null", role);
    var in = space.input();
    checkArgument(
        data.height() == in.height()
            && data.width() == in.width()
            && data.channels() == in.channels(),
        "%s data is %sx%sx%s but the space %s expects %sx%sx%s; build the space with withInputSize"
            + " or resize the data",
        role,
        data.height(),
        data.width(),
        data.channels(),
        space.name(),
        in.height(),
        in.width(),
        in.channels());
    int classes = space.head().numClasses();
    checkArgument(
        data.numClasses() == classes,
        "%s data has %s classes but the head of space %s predicts %s; use a space with %s classes",
        role,
        data.numClasses(),
        space.name(),
        classes,
        data.numClasses());
    boolean denseHead = space.head() instanceof DenseHead;
    checkArgument(
        data.isDense() == denseHead,
        "%s data has %s labels but space %s has a %s head; pair classification data with a"
            + " classification head and per-pixel labels with a dense head",
        role,
        data.isDense() ? "per-pixel" : "per-sample",
        space.name(),
        denseHead ? "dense" : "classification");
    checkArgument(
        data.size() > 0,
        "%s data set %s is empty (0 samples); pass at least one sample",
        role,
        data.name());
    checkArgument(
        data.size() >= minSamples,
        "%s data has %s samples, fewer than one batch of %s; use a smaller batch size or more data",
        role,
        data.size(),
        minSamples);
  }
}
