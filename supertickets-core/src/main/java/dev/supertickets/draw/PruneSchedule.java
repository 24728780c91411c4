package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Locale;

/**
 * How the unstructured sparsity rises over a draw's prune events, one per prune epoch: to the
 * target by a set fraction of the run, then held there while training goes on, so that the last
 * prune events only re-score at the target instead of jumping to it after the last training step.
 *
 * <ul>
 *   <li>{@link #linear(double) linear(f)}: {@code s_k = target · min(1, k / R)} after epoch {@code
 *       k}, with {@code R = max(1, floor(f · epochs))}. The reference's schedule ({@code r =
 *       min(floor((e+1)/interval)/10, 0.9)}) at 12 epochs is {@code linear(0.75)}: 0.1, 0.2, ...
 *       0.9 at epoch 9, then 0.9.
 *   <li>{@link #cubic(double) cubic(f)}: {@code s_k = target · (1 - (1 - min(1, k / R))^3)}, the
 *       gradual schedule of Zhu and Gupta (2017): large steps while the network is dense and
 *       redundant, small ones near the target.
 *   <li>{@link #steps(double) steps(d)}: {@code s_k = min(k · d, target)}, the reference's fixed
 *       step per event; a draw whose events cannot reach the target in time is refused when it is
 *       built.
 * </ul>
 *
 * <p>A public building block: a loop of your own asks {@link #sparsity(int, int, double)} at each
 * prune event.
 *
 * @param shape how the sparsity rises
 * @param rampEnd for {@code LINEAR} and {@code CUBIC}, the fraction of the epochs after which the
 *     target is reached, in (0, 1]; NaN for {@code STEPS}
 * @param step for {@code STEPS}, the sparsity added per event, in (0, 1]; NaN otherwise
 */
public record PruneSchedule(Shape shape, double rampEnd, double step) {
  /** How the sparsity rises between 0 and the target. */
  public enum Shape {
    LINEAR,
    CUBIC,
    STEPS
  }

  /**
   * The default: reach the target at three quarters of the run, as the reference (9 of 12 epochs).
   */
  public static final double DEFAULT_RAMP_END = 0.75;

  /** Validates the schedule. */
  public PruneSchedule {
    checkNotNull(shape, "prune schedule shape must not be null");
    if (shape == Shape.STEPS) {
      checkArgument(
          step > 0 && step <= 1,
          "sparsity step must be in (0, 1], got %s; e.g. 0.1 as the reference",
          step);
      checkArgument(Double.isNaN(rampEnd), "a STEPS schedule has no ramp end, got %s", rampEnd);
    } else {
      checkArgument(
          rampEnd > 0 && rampEnd <= 1,
          "the prune ramp must end within the run: a fraction of the "
              + "epochs in (0, 1], got %s; e.g. 0.75 as the reference",
          rampEnd);
      checkArgument(Double.isNaN(step), "a %s schedule has no fixed step, got %s", shape, step);
    }
  }

  /** Linear rise to the target after {@code rampEnd} of the epochs (the reference's shape). */
  public static PruneSchedule linear(double rampEnd) {
    return new PruneSchedule(Shape.LINEAR, rampEnd, Double.NaN);
  }

  /** Cubic rise (Zhu and Gupta) to the target after {@code rampEnd} of the epochs. */
  public static PruneSchedule cubic(double rampEnd) {
    return new PruneSchedule(Shape.CUBIC, rampEnd, Double.NaN);
  }

  /** {@code step} more sparsity at each prune event until the target. */
  public static PruneSchedule steps(double step) {
    return new PruneSchedule(Shape.STEPS, Double.NaN, step);
  }

  /**
   * The schedule by name, as the command line spells it: {@code linear}, {@code cubic} (ending at
   * {@link #DEFAULT_RAMP_END}), {@code linear:F}, {@code cubic:F} or {@code steps:D}.
   */
  public static PruneSchedule parse(String text) {
    checkNotNull(text, "prune schedule must not be null");
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", 2);
    try {
      double arg = parts.length == 2 ? Double.parseDouble(parts[1]) : Double.NaN;
      switch (parts[0]) {
        case "linear":
          return linear(parts.length == 2 ? arg : DEFAULT_RAMP_END);
        case "cubic":
          return cubic(parts.length == 2 ? arg : DEFAULT_RAMP_END);
        case "steps":
          if (parts.length == 2) {
            return steps(arg);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "unknown prune schedule '%s': use linear, cubic, linear:F or cubic:F (F the fraction of"
                + " the epochs after which the target is reached, e.g. cubic:0.75) or steps:D (D"
                + " the sparsity added per prune event, e.g. steps:0.1)",
            text));
  }

  /**
   * The prune event after which the target is reached, for a draw of {@code events} prune events
   * (events are numbered from 1); for {@code STEPS}, {@code ceil(target / step)}, which may exceed
   * {@code events}.
   */
  public int targetEvent(int events, double target) {
    checkArgument(events > 0, "a draw needs at least one prune event, got %s", events);
    if (shape == Shape.STEPS) {
      return (int) Math.ceil(target / step - 1e-9);
    }
    return Math.max(1, (int) Math.floor(rampEnd * events + 1e-9));
  }

  /**
   * The sparsity after prune event {@code k} (from 1) of {@code events}, towards {@code target} in
   * [0, 1).
   */
  public double sparsity(int k, int events, double target) {
    checkArgument(k >= 1 && k <= events, "prune event must be in [1, %s], got %s", events, k);
    checkArgument(target >= 0 && target < 1, "target sparsity must be in [0, 1), got %s", target);
    if (shape == Shape.STEPS) {
      return Math.min(k * step, target);
    }
    double t = Math.min(1.0, (double) k / targetEvent(events, target));
    double f = shape == Shape.LINEAR ? t : 1 - Math.pow(1 - t, 3);
    return target * f;
  }

  @Override
  public String toString() {
    return shape == Shape.STEPS
        ? String.format(Locale.ROOT, "steps:%s", step)
        : String.format(Locale.ROOT, "%s:%s", shape.name().toLowerCase(Locale.ROOT), rampEnd);
  }
}
