package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GraSP scores {@code w ⊙ (H g)}, signed, lowest pruned: with {@code g = Σ_b ∇L(f(x_b)/T)}
 * (stopped) and {@code H} the Hessian of {@code Σ_b L(f(x_b)/T)}, temperature {@code T = 200}. This
 * is the reference's (and Synaptic-Flow's) sign convention: pruning the lowest {@code θ ⊙ Hg}
 * removes the largest {@code −θ ⊙ Hg}, as in the GraSP paper. The reference's normalisation by
 * {@code |Σ scores| + 1e-10} does not change the ranking and is left out.
 *
 * <p>The engine has no double back-propagation, so {@code Hg} is a central difference of gradients,
 * {@code (∇L(W_eff + εv) − ∇L(W_eff − εv)) / 2ε} with {@code v = mask ⊙ g} and {@code ε = hvpStep ·
 * (1 + |W_eff|) / |v|} (relative step 5e-3 by default, about the cube root of float32's epsilon).
 * Like the reference, {@code g} and the perturbation live on active weights only; with {@code
 * includeMasked(false)} (the default) masked weights score 0, as the reference's raw-weight
 * gradients give, otherwise they get their would-be score {@code w ⊙ (Hg)} from the unmasked
 * Hessian-vector product.
 *
 * <p>Defaults: 1 batch for each of the two passes (the reference loops over its whole loader),
 * batch norm on running statistics (eval mode). Needs data in the context.
 */
public final class Grasp implements Scorer {
  private final int batches;
  private final double temperature;
  private final double hvpStep;
  private final BnStatistics statistics;
  private final boolean includeMasked;

  Grasp(
      int batches,
      double temperature,
      double hvpStep,
      BnStatistics statistics,
      boolean includeMasked) {
    checkArgument(batches > 0, "grasp batch count must be positive, got %s", batches);
    checkArgument(
        temperature > 0 && Double.isFinite(temperature),
        "grasp temperature must be positive and finite, got %s; the reference uses 200",
        temperature);
    checkArgument(
        hvpStep > 0 && hvpStep < 1,
        "relative finite-difference step must be in (0, 1), got %s; " + "try 5e-3",
        hvpStep);
    this.batches = batches;
    this.temperature = temperature;
    this.hvpStep = hvpStep;
    this.statistics = checkNotNull(statistics, "batch-norm statistics must not be null");
    this.includeMasked = includeMasked;
  }

  /** The number of batches of each pass (default 1). */
  public Grasp batches(int count) {
    return new Grasp(count, temperature, hvpStep, statistics, includeMasked);
  }

  /** The softmax temperature (default 200). */
  public Grasp temperature(double t) {
    return new Grasp(batches, t, hvpStep, statistics, includeMasked);
  }

  /** The relative step of the finite-difference Hessian-vector product (default 5e-3). */
  public Grasp hvpStep(double step) {
    return new Grasp(batches, temperature, step, statistics, includeMasked);
  }

  /** Which batch-norm statistics the gradient passes use (default {@link BnStatistics#RUNNING}). */
  public Grasp bnStatistics(BnStatistics s) {
    return new Grasp(batches, temperature, hvpStep, s, includeMasked);
  }

  /**
   * Whether masked weights get their would-be score (false by default: they score 0, as in the
   * reference).
   */
  public Grasp includeMasked(boolean on) {
    return new Grasp(batches, temperature, hvpStep, statistics, on);
  }

  /** The number of batches of each pass. */
  public int batches() {
    return batches;
  }

  /** The softmax temperature. */
  public double temperature() {
    return temperature;
  }

  /** The relative finite-difference step. */
  public double hvpStep() {
    return hvpStep;
  }

  /** The batch-norm statistics of the gradient passes. */
  public BnStatistics bnStatistics() {
    return statistics;
  }

  /** Whether masked weights get their would-be score. */
  public boolean includesMasked() {
    return includeMasked;
  }

  @Override
  public ImmutableMap<Param, INDArray> scores(MaskContext context) {
    ImmutableMap<Param, INDArray> hg = hessianGradient(context);
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builderWithExpectedSize(hg.size());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : context.params()) {
        INDArray s = hg.get(p).muli(p.value());
        if (!includeMasked && p.mask() != null) {
          s.muli(p.mask());
        }
        out.put(p, s);
      }
    }
    return out.buildOrThrow();
  }

  /**
   * {@code H (mask ⊙ g)} with respect to {@code W_eff}, unmasked; the model is restored afterwards.
   */
  ImmutableMap<Param, INDArray> hessianGradient(MaskContext context) {
    List<Param> params = context.params();
    Mode mode = statistics.mode();
    ModelState state = ModelState.capture(context.model());
    try {
      state.exposeEffectiveGradients();
      state.zeroGrads();
      Gradients.accumulateLoss(context, mode, batches, temperature);
      Map<Param, INDArray> v = new IdentityHashMap<>();
      Map<Param, INDArray> base = new IdentityHashMap<>();
      double vv = 0;
      double ww = 0;
      try (MemoryWorkspace ignored = Workspaces.outside()) {
        for (Param p : params) {
          INDArray g = p.grad().dup().detach();
          if (state.mask(p) != null) {
            g.muli(state.mask(p));
          }
          v.put(p, g);
          base.put(p, p.value().dup().detach()); // W_eff, the mask being folded in
          vv += g.norm2Number().doubleValue() * g.norm2Number().doubleValue();
          double w = p.value().norm2Number().doubleValue();
          ww += w * w;
        }
      }
      if (vv == 0) {
        return zerosLike(params);
      }
      double eps = hvpStep * (1 + Math.sqrt(ww)) / Math.sqrt(vv);
      ImmutableMap<Param, INDArray> plus = gradientAt(context, mode, state, params, base, v, eps);
      ImmutableMap<Param, INDArray> minus = gradientAt(context, mode, state, params, base, v, -eps);
      ImmutableMap.Builder<Param, INDArray> out =
          ImmutableMap.builderWithExpectedSize(params.size());
      try (MemoryWorkspace ignored = Workspaces.outside()) {
        for (Param p : params) {
          out.put(p, plus.get(p).subi(minus.get(p)).divi(2 * eps));
        }
      }
      return out.buildOrThrow();
    } finally {
      state.restore();
    }
  }

  private ImmutableMap<Param, INDArray> gradientAt(
      MaskContext context,
      Mode mode,
      ModelState state,
      List<Param> params,
      Map<Param, INDArray> base,
      Map<Param, INDArray> v,
      double eps) {
    for (Param p : params) {
      p.value().assign(base.get(p)).addi(v.get(p).mul(eps));
    }
    state.zeroGrads();
    Gradients.accumulateLoss(context, mode, batches, temperature);
    return Gradients.copyGrads(params);
  }

  private static ImmutableMap<Param, INDArray> zerosLike(List<Param> params) {
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builderWithExpectedSize(params.size());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : params) {
        out.put(p, p.value().like().assign(0).detach());
      }
    }
    return out.buildOrThrow();
  }

  @Override
  public String toString() {
    return "grasp(batches="
        + batches
        + ", T="
        + temperature
        + ", "
        + statistics
        + ", includeMasked="
        + includeMasked
        + ")";
  }
}
