package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Learning rate as a function of the global step (0-based, counted in mini-batches). Pure functions
 * of the step, so a resumed run continues the schedule exactly.
 */
@FunctionalInterface
public interface LrSchedule {
  /** The learning rate at a 0-based global step. */
  double lr(long step);

  /** The same non-negative rate at every step. */
  static LrSchedule constant(double lr) {
    checkArgument(lr >= 0, "learning rate must be non-negative, got %s", lr);
    return step -> lr;
  }

  /** Multiplies by {@code gamma} at each milestone step (PyTorch's MultiStepLR, in steps). */
  static LrSchedule multiStep(double lr, List<Long> milestones, double gamma) {
    checkNotNull(milestones, "milestones must not be null; pass an empty list for a constant rate");
    checkArgument(gamma > 0, "gamma must be positive, got %s", gamma);
    ImmutableList<Long> ms = ImmutableList.sortedCopyOf(milestones);
    return step -> {
      int passed = 0;
      for (long m : ms) {
        if (step >= m) {
          passed++;
        }
      }
      return lr * Math.pow(gamma, passed);
    };
  }

  /**
   * Staircase exponential decay: {@code lr · rate^floor(step / every)} (the reference's ImageNet
   * schedule).
   */
  static LrSchedule exponential(double lr, double rate, long every) {
    checkArgument(every > 0, "decay interval must be positive, got %s", every);
    return step -> lr * Math.pow(rate, Math.floorDiv(step, every));
  }

  /**
   * Cosine annealing from {@code lr} to {@code minLr} over {@code total} steps, then held at {@code
   * minLr}.
   */
  static LrSchedule cosine(double lr, double minLr, long total) {
    checkArgument(total > 0, "total steps must be positive, got %s", total);
    return step -> {
      double t = Math.min(1.0, (double) step / total);
      return minLr + (lr - minLr) * (1 + Math.cos(Math.PI * t)) / 2;
    };
  }

  /**
   * PyTorch's OneCycleLR with cosine annealing: from {@code maxLr/div} up to {@code maxLr} over the
   * first {@code pct} of the steps, then down to {@code maxLr/(div·finalDiv)} at the last step.
   */
  static LrSchedule oneCycle(double maxLr, long total, double pct, double div, double finalDiv) {
    checkArgument(total > 1, "one-cycle needs at least 2 steps, got %s", total);
    checkArgument(pct > 0 && pct < 1, "pct_start must be in (0, 1), got %s", pct);
    double initial = maxLr / div;
    double min = initial / finalDiv;
    double peak = pct * total - 1;
    double end = total - 1;
    return step -> {
      double s = Math.min(step, end);
      if (s <= peak) {
        return cosAnneal(initial, maxLr, peak <= 0 ? 1 : s / peak);
      }
      return cosAnneal(maxLr, min, (s - peak) / (end - peak));
    };
  }

  /** One-cycle with PyTorch's defaults: pct 0.3, div 25, final div 1e4. */
  static LrSchedule oneCycle(double maxLr, long total) {
    return oneCycle(maxLr, total, 0.3, 25, 1e4);
  }

  /**
   * Linear warm-up from {@code from} to this schedule's value at step {@code steps}, then this
   * schedule.
   */
  default LrSchedule withWarmup(long steps, double from) {
    checkArgument(steps >= 0, "warm-up steps must be non-negative, got %s", steps);
    LrSchedule after = this;
    return step -> {
      if (step >= steps) {
        return after.lr(step);
      }
      return from + (after.lr(steps) - from) * step / steps;
    };
  }

  private static double cosAnneal(double start, double end, double pct) {
    return end + (start - end) / 2 * (1 + Math.cos(Math.PI * pct));
  }
}
