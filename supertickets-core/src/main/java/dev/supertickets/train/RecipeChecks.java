package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The rule of each training setting that several builders take (a {@code Recipe}, the SuperTickets
 * drawer's builder, a {@code Retrainer}'s), written once: each method returns its value or refuses
 * it, naming the value, the rule and a usual value.
 */
public final class RecipeChecks {
  private RecipeChecks() {}

  /** Training epochs: positive. */
  public static int epochs(int n) {
    checkArgument(n > 0, "epochs must be positive, got %s; e.g. 10", n);
    return n;
  }

  /** Mini-batch size: positive. */
  public static int batchSize(int n) {
    checkArgument(n > 0, "batch size must be positive, got %s; e.g. 128", n);
    return n;
  }

  /** Peak, starting or constant learning rate: positive and finite. */
  public static double learningRate(double lr) {
    checkArgument(
        lr > 0 && Double.isFinite(lr),
        "learning rate must be positive and finite, got %s; e.g. 0.01",
        lr);
    return lr;
  }

  /** Explicit L2 weight decay: finite and non-negative (0 turns it off). */
  public static double weightDecay(double wd) {
    checkArgument(
        wd >= 0 && Double.isFinite(wd),
        "weight decay must be finite and non-negative, got %s; e.g. 1e-5, or 0 to turn it off",
        wd);
    return wd;
  }

  /** Label smoothing of the training loss: in [0, 1). */
  public static double labelSmoothing(double eps) {
    checkArgument(eps >= 0 && eps < 1, "label smoothing must be in [0, 1), got %s; e.g. 0.1", eps);
    return eps;
  }

  /** EMA decay of a draw, which ends with its EMA weights: in (0, 1). */
  public static double emaDecay(double d) {
    checkArgument(d > 0 && d < 1, "ema decay must be in (0, 1), got %s; e.g. 0.999", d);
    return d;
  }

  /** EMA decay of a run that may keep no EMA: 0 (off) or in (0, 1). */
  public static double emaDecayOrOff(double d) {
    checkArgument(
        d == 0 || (d > 0 && d < 1),
        "ema decay must be 0 (off) or in (0, 1), got %s; e.g. 0.999",
        d);
    return d;
  }

  /** Batches of BN re-calibration: positive. */
  public static int calibrationBatches(int n) {
    checkArgument(n > 0, "calibration batches must be positive, got %s; e.g. 10", n);
    return n;
  }

  /** Epochs between evaluations: positive. */
  public static int evalInterval(int n) {
    checkArgument(
        n > 0,
        "evaluation interval must be positive, got %s; pass the epochs to evaluate only at the end",
        n);
    return n;
  }
}
