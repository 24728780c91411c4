package dev.supertickets.testing;

import static dev.supertickets.testing.Numbers.count;
import static dev.supertickets.testing.Numbers.num;

import com.google.common.collect.ImmutableList;
import dev.supertickets.mask.Masks;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks by behaviour that pruned weights are inactive: (1) adding large noise to the stored values
 * of pruned weights leaves the eval-mode output unchanged, and (2) after one training-mode forward
 * and backward pass no gradient reaches a pruned weight. A layer that multiplies by the raw value
 * instead of {@code M ⊙ W}, or that accumulates an unmasked gradient, fails one of them. The
 * model's values, gradients and BN running statistics are restored afterwards (dropout's random
 * stream is not).
 */
final class PrunedWeightsProbe {
  private static final int LISTED = 5;

  private PrunedWeightsProbe() {}

  /** The failure message, or empty when every pruned weight is inactive. */
  static Optional<String> check(Module model, INDArray input, long seed) {
    List<Param> pruned = model.params().stream().filter(p -> Masks.prunedCount(p) > 0).toList();
    if (pruned.isEmpty()) {
      return Optional.empty();
    }
    long prunedWeights = pruned.stream().mapToLong(Masks::prunedCount).sum();
    String what = count(prunedWeights) + " pruned weights in " + pruned.size() + " masked tensors";
    Snapshot saved = new Snapshot(model);
    try {
      double[] base = Numbers.values(forwardEval(model, input));
      double scale = maxAbs(base);
      if (!Double.isFinite(scale)) {
        return Optional.of(
            "expected a finite output to compare against but the network's eval-mode output on the "
                + "probe input holds NaN or infinity; pruned weights cannot be checked");
      }
      Map<Param, INDArray> noise = noise(pruned, seed);
      // output values are recomputed bit for bit here; the slack only absorbs a threaded GEMM's
      // summation order
      double tolerance = 1e-5 * Math.max(1, scale);
      List<String> faults = new ArrayList<>();
      noise.forEach((p, n) -> p.value().addi(n));
      double change = maxAbsDiff(base, Numbers.values(forwardEval(model, input)));
      saved.restoreValues(pruned);
      if (change > tolerance) {
        List<String> leaking = new ArrayList<>();
        for (Param p : pruned) {
          p.value().addi(noise.get(p));
          double c = maxAbsDiff(base, Numbers.values(forwardEval(model, input)));
          saved.restoreValues(pruned);
          if (c > tolerance) {
            leaking.add(p.name() + " (output changed by up to " + num(c) + ")");
          }
        }
        faults.add(
            "perturbing the stored values of pruned weights changed the eval-mode output by up to "
                + num(change)
                + " (allowed "
                + num(tolerance)
                + "); leaking through "
                + list(leaking));
      }
      List<String> gradLeaks = gradientLeaks(model, input, pruned, seed);
      if (!gradLeaks.isEmpty()) {
        faults.add(
            "after one backward pass a gradient reached the pruned weights of " + list(gradLeaks));
      }
      if (faults.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          "expected pruned weights to be inactive (no effect on the output, no gradient) for "
              + what
              + " but "
              + String.join("; and ", faults));
    } finally {
      saved.restoreAll();
      model.clearCache();
    }
  }

  private static INDArray forwardEval(Module model, INDArray input) {
    try (MemoryWorkspace ignored = Workspaces.step()) {
      INDArray out = model.forward(input, Mode.EVAL);
      try (MemoryWorkspace outside = Workspaces.outside()) {
        return out.dup();
      }
    } finally {
      model.clearCache();
    }
  }

  /** Per tensor, noise of about ten times its largest weight, on pruned entries only. */
  private static Map<Param, INDArray> noise(List<Param> pruned, long seed) {
    Map<Param, INDArray> out = new IdentityHashMap<>();
    SplittableRandom rng = new SplittableRandom(seed);
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : pruned) {
        double std = 10 * (1 + p.value().amaxNumber().doubleValue());
        INDArray n = Tensors.gaussian(rng, std, p.value().dataType(), p.value().shape());
        out.put(p, n.muli(p.mask().rsub(1)));
      }
    }
    return out;
  }

  private static List<String> gradientLeaks(
      Module model, INDArray input, List<Param> pruned, long seed) {
    for (Param p : model.params()) {
      p.zeroGrad();
    }
    try (MemoryWorkspace ignored = Workspaces.step()) {
      INDArray out = model.forward(input, Mode.TRAIN);
      model.backward(
          Tensors.gaussian(new SplittableRandom(seed + 1), 1, out.dataType(), out.shape()));
    } finally {
      model.clearCache();
    }
    List<String> leaks = new ArrayList<>();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : pruned) {
        double g = p.grad().mul(p.mask().rsub(1)).amaxNumber().doubleValue();
        if (!(g == 0)) { // NaN included
          leaks.add(p.name() + " (|gradient| up to " + num(g) + ")");
        }
      }
    }
    return leaks;
  }

  private static String list(List<String> items) {
    if (items.isEmpty()) {
      return "no single tensor (only their combination)";
    }
    return String.join(", ", items.subList(0, Math.min(LISTED, items.size())))
        + (items.size() > LISTED ? ", and " + (items.size() - LISTED) + " more" : "");
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return Double.POSITIVE_INFINITY;
      }
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  /** Largest absolute difference; a NaN or infinity where the base is finite counts as infinite. */
  private static double maxAbsDiff(double[] base, double[] other) {
    double m = 0;
    for (int i = 0; i < base.length; i++) {
      double d = Math.abs(other[i] - base[i]);
      m = Math.max(m, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
    }
    return m;
  }

  /** What the probe disturbs: values, gradients and BN running statistics, restored in place. */
  private static final class Snapshot {
    private final ImmutableList<Param> params;
    private final Map<Param, INDArray> values = new IdentityHashMap<>();
    private final Map<Param, INDArray> grads = new IdentityHashMap<>();
    private final Map<BatchNorm, INDArray[]> stats = new IdentityHashMap<>();

    Snapshot(Module model) {
      this.params = ImmutableList.copyOf(model.params());
      try (MemoryWorkspace ignored = Workspaces.outside()) {
        for (Param p : params) {
          values.put(p, p.value().dup().detach());
          grads.put(p, p.grad().dup().detach());
        }
        for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
          stats.put(
              bn, new INDArray[] {bn.runningMean().dup().detach(), bn.runningVar().dup().detach()});
        }
      }
    }

    void restoreValues(List<Param> changed) {
      for (Param p : changed) {
        p.value().assign(values.get(p));
      }
    }

    void restoreAll() {
      restoreValues(params);
      for (Param p : params) {
        p.grad().assign(grads.get(p));
      }
      stats.forEach(
          (bn, s) -> {
            bn.runningMean().assign(s[0]);
            bn.runningVar().assign(s[1]);
          });
    }
  }
}
