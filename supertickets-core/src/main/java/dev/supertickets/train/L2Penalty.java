package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.internal.FloatUpdate;
import dev.supertickets.nn.Param;
import java.util.List;
import java.util.function.Predicate;

/**
 * Weight decay as an explicit loss term {@code ½·wd·Σ||W||²} on the raw weights, masked entries
 * included, as the reference does (its optimizers run with weight decay 0). By default it covers
 * convolution and linear weights.
 */
public final class L2Penalty {
  private final double wd;
  private final Predicate<Param> applies;

  /**
   * A penalty with coefficient {@code wd} (finite, non-negative) on the parameters {@code applies}
   * accepts.
   */
  public L2Penalty(double wd, Predicate<Param> applies) {
    checkArgument(
        wd >= 0 && Double.isFinite(wd), "weight decay must be finite and non-negative, got %s", wd);
    this.wd = wd;
    this.applies =
        checkNotNull(applies, "l2 selection must not be null; use L2Penalty.onWeights(wd)");
  }

  /** On convolution and linear weights. */
  public static L2Penalty onWeights(double wd) {
    return new L2Penalty(wd, Param::isWeight);
  }

  /** No penalty. */
  public static L2Penalty none() {
    return new L2Penalty(0, p -> false);
  }

  /** The coefficient {@code wd}. */
  public double weightDecay() {
    return wd;
  }

  /** Adds {@code wd·w} to each covered gradient and returns the penalty's value. */
  public double apply(List<Param> params, boolean computeValue) {
    checkNotNull(params, "parameters must not be null");
    if (wd == 0) {
      return 0;
    }
    double value = 0;
    for (Param p : params) {
      if (applies.test(p)) {
        if (FloatUpdate.applies(p.grad(), p.value())) {
          FloatUpdate.addScaled(p.grad(), p.value(), (float) wd);
        } else {
          p.grad().addi(p.value().mul(wd));
        }
        if (computeValue) {
          double n = p.value().norm2Number().doubleValue();
          value += 0.5 * wd * n * n;
        }
      }
    }
    return value;
  }
}
