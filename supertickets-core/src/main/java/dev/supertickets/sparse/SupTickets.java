package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.mask.Ranking;
import dev.supertickets.mask.Scope;
import dev.supertickets.train.LrSchedule;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of Sup-tickets (Yin et al., UAI 2022; B.2 of the related-algorithms spec), the phase
 * a {@link DstDrawer} adds to its run with {@link DstDrawer.Builder#supTickets}: the last cycles of
 * training run a triangular cyclic learning rate; at each cycle end the live sparse model (a "cheap
 * ticket") is superposed into a running average, which is re-pruned to the parameter budget and BN
 * re-calibrated; the final average is the result. Immutable value.
 *
 * <p>The parameter budget is {@code n = floor(N · D)} of the {@code N} prunable weights at density
 * {@code D = 1 − sparsity}. The reference keeps every weight tied with the {@code n}-th largest
 * {@code |w|}; here ties go to the earlier tensor and the lower index, so exactly {@code n} weights
 * stay. With {@link Scope#PER_LAYER} densities the sparse-training phase may hold a few more than
 * {@code n} active weights (each tensor's count is floored), so the result can be marginally
 * sparser than the target. Re-exploration grows with the drawer's growth (the reference's CIFAR
 * code always uses the gradient). The cyclic learning rate is the reference's triangular, linear
 * one, per iteration.
 *
 * <p>Defaults (the reference README for CIFAR): cycles of 8 epochs, cycle rate 0.1, cyclic learning
 * rate between 0.001 and 0.005, no re-exploration, CAA superposition (CIMA factor 0.5 if CIMA is
 * chosen).
 */
public final class SupTickets {
  /** How a new ticket is superposed into the running average. */
  public enum Superposition {
    /**
     * Cumulative average: {@code θ̄_k = (1 − 1/(k+1)) θ̄_{k−1} + θ_k/(k+1)} (the reference's
     * default).
     */
    CAA,
    /**
     * Constant-weight moving average: {@code θ̄_k = d θ_k + (1 − d) θ̄_{k−1}}, {@code d} the CIMA
     * factor.
     */
    CIMA
  }

  /**
   * How a run of {@code E} epochs is split (B.2 step 1): {@code cyclicEpochs = E·ρ} rounded down to
   * a multiple of the cycle length {@code c}, {@code preEpochs = E − cyclicEpochs}, and {@code
   * tickets = cyclicEpochs / c}.
   */
  public record Split(int preEpochs, int cyclicEpochs, int tickets) {
    /** Checks that the parts are consistent. */
    public Split {
      checkArgument(
          preEpochs > 0 && cyclicEpochs > 0 && tickets > 0 && cyclicEpochs % tickets == 0,
          "split needs positive pre and cyclic epochs and tickets dividing the cyclic epochs, got"
              + " %s, %s, %s",
          preEpochs,
          cyclicEpochs,
          tickets);
    }
  }

  private final int cycleEpochs;
  private final double cycleRate;
  private final double lr1;
  private final double lr2;
  private final double reExplore;
  private final Superposition superposition;
  private final double cimaFactor;

  private SupTickets(Builder b) {
    this.cycleEpochs = b.cycleEpochs;
    this.cycleRate = b.cycleRate;
    this.lr1 = b.lr1;
    this.lr2 = b.lr2;
    this.reExplore = b.reExplore;
    this.superposition = b.superposition;
    this.cimaFactor = b.cimaFactor;
  }

  /** Starts configuring Sup-tickets; every setting has a default (see the class). */
  public static Builder builder() {
    return new Builder();
  }

  /** Cycle length {@code c} in epochs. */
  public int cycleEpochs() {
    return cycleEpochs;
  }

  /** Cyclic fraction {@code ρ} of the epochs. */
  public double cycleRate() {
    return cycleRate;
  }

  /** The learning rate at the start and end of each cycle, {@code a1}. */
  public double lr1() {
    return lr1;
  }

  /** The learning rate at mid-cycle, {@code a2}. */
  public double lr2() {
    return lr2;
  }

  /** Re-exploration rate {@code q} at each cycle start; 0 when off. */
  public double reExplore() {
    return reExplore;
  }

  /** How tickets are superposed. */
  public Superposition superposition() {
    return superposition;
  }

  /** The CIMA weight {@code d} of the newest ticket (used only with {@link Superposition#CIMA}). */
  public double cimaFactor() {
    return cimaFactor;
  }

  /**
   * Splits {@code totalEpochs} into the pre-training and cyclic phases (see {@link Split}); e.g.
   * 250 epochs at {@code ρ = 0.1}, {@code c = 8} give 226 + 24 epochs and 3 tickets.
   *
   * @throws IllegalArgumentException when {@code E·ρ < c}: the cyclic phase would hold no whole
   *     cycle
   */
  public Split split(int totalEpochs) {
    checkArgument(totalEpochs > 0, "total epochs must be positive, got %s", totalEpochs);
    // the forgiving floor of prune counts: 0.29 · 100 is 29 epochs, not 28
    long raw = Ranking.pruneCount(cycleRate, totalEpochs);
    int cyclic = (int) (raw / cycleEpochs * cycleEpochs);
    if (cyclic == 0) {
      double minRate = (double) cycleEpochs / totalEpochs;
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "sup-tickets needs at least one whole cycle, but %d epochs × cycle rate %s = %s"
                  + " epochs is less than the cycle length of %d epochs; train at least %d epochs%s"
                  + " or shorten the cycles",
              totalEpochs,
              cycleRate,
              totalEpochs * cycleRate,
              cycleEpochs,
              (int) Math.ceil(cycleEpochs / cycleRate - 1e-9),
              minRate < 1 ? ", raise the cycle rate to at least " + minRate : ""));
    }
    return new Split(totalEpochs - cyclic, cyclic, cyclic / cycleEpochs);
  }

  /**
   * The triangular, linear cyclic learning rate at position {@code t} in [0, 1] of a cycle (B.2):
   * from {@code a1} at {@code t = 0} up to {@code a2} at {@code t = 0.5} and back to {@code a1} at
   * {@code t = 1}.
   */
  public double cyclicLr(double t) {
    checkArgument(t >= 0 && t <= 1, "cycle position must be in [0, 1], got %s", t);
    return t < 0.5 ? lr1 * (1 - 2 * t) + 2 * t * lr2 : lr1 * (2 * t - 1) + lr2 * (2 - 2 * t);
  }

  /**
   * The whole run's schedule: {@code phase1} over the first {@code preSteps} steps, then the cyclic
   * rate per iteration, {@code t = ((e mod c) + i/N) / c} for iteration {@code i} of {@code N} in
   * cyclic epoch {@code e}.
   */
  public LrSchedule schedule(LrSchedule phase1, long preSteps, int batchesPerEpoch) {
    checkNotNull(phase1, "first-phase schedule must not be null");
    checkArgument(preSteps > 0, "pre-training steps must be positive, got %s", preSteps);
    checkArgument(
        batchesPerEpoch > 0, "batches per epoch must be positive, got %s", batchesPerEpoch);
    long cycleSteps = (long) cycleEpochs * batchesPerEpoch;
    return step ->
        step < preSteps
            ? phase1.lr(step)
            : cyclicLr((double) ((step - preSteps) % cycleSteps) / cycleSteps);
  }

  /** The weight of the newest ticket {@code θ_k} (k ≥ 1) in {@code θ̄_k}. */
  double newTicketWeight(int k) {
    checkArgument(k >= 1, "tickets are counted from 1, got %s", k);
    return superposition == Superposition.CAA ? 1.0 / (k + 1) : cimaFactor;
  }

  /** The settings as {@code supTickets.*} provenance entries. */
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("supTickets.cycleEpochs", cycleEpochs);
    m.put("supTickets.cycleRate", cycleRate);
    m.put("supTickets.lr1", lr1);
    m.put("supTickets.lr2", lr2);
    m.put("supTickets.reExplore", reExplore);
    m.put("supTickets.superposition", superposition);
    if (superposition == Superposition.CIMA) {
      m.put("supTickets.cimaFactor", cimaFactor);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SupTickets s
        && cycleEpochs == s.cycleEpochs
        && cycleRate == s.cycleRate
        && lr1 == s.lr1
        && lr2 == s.lr2
        && reExplore == s.reExplore
        && superposition == s.superposition
        && cimaFactor == s.cimaFactor;
  }

  @Override
  public int hashCode() {
    return Objects.hash(cycleEpochs, cycleRate, lr1, lr2, reExplore, superposition, cimaFactor);
  }

  @Override
  public String toString() {
    return "SupTickets" + settings();
  }

  /** Fluent configuration of {@link SupTickets}; see the class for the defaults. */
  public static final class Builder {
    private int cycleEpochs = 8;
    private double cycleRate = 0.1;
    private double lr1 = 0.001;
    private double lr2 = 0.005;
    private double reExplore;
    private Superposition superposition = Superposition.CAA;
    private double cimaFactor = 0.5;

    private Builder() {}

    /** Cycle length {@code c} in epochs, positive; default 8. */
    public Builder cycleEpochs(int c) {
      checkArgument(
          c > 0,
          "cycle length must be a positive number of epochs, got %s; the reference uses 8",
          c);
      this.cycleEpochs = c;
      return this;
    }

    /** Cyclic fraction {@code ρ} of the epochs, in (0, 1); default 0.1. */
    public Builder cycleRate(double rho) {
      checkArgument(
          rho > 0 && rho < 1,
          "cycle rate must be in (0, 1), got %s; the reference README uses 0.1",
          rho);
      this.cycleRate = rho;
      return this;
    }

    /** The learning rate at each cycle's start and end, {@code a1}, positive; default 0.001. */
    public Builder lr1(double a1) {
      checkArgument(
          a1 > 0 && Double.isFinite(a1),
          "cyclic learning rate lr1 must be positive and finite, got %s; the reference uses 0.001",
          a1);
      this.lr1 = a1;
      return this;
    }

    /** The learning rate at mid-cycle, {@code a2}, positive; default 0.005. */
    public Builder lr2(double a2) {
      checkArgument(
          a2 > 0 && Double.isFinite(a2),
          "cyclic learning rate lr2 must be positive and finite, got %s; the reference uses 0.005",
          a2);
      this.lr2 = a2;
      return this;
    }

    /**
     * Re-exploration rate {@code q} in [0, 1): at each cycle start every tensor drops {@code ceil(q
     * · n_active)} weights and grows as many (with the drawer's growth); 0 (the default) turns it
     * off.
     */
    public Builder reExplore(double q) {
      checkArgument(
          q >= 0 && q < 1,
          "re-exploration rate must be in [0, 1), got %s; use 0 for none or e.g. 0.5",
          q);
      this.reExplore = q;
      return this;
    }

    /** How tickets are superposed; default {@link Superposition#CAA}. */
    public Builder superposition(Superposition s) {
      this.superposition = checkNotNull(s, "superposition must not be null; use Superposition.CAA");
      return this;
    }

    /** The CIMA weight {@code d} of the newest ticket, in (0, 1]; default 0.5. */
    public Builder cimaFactor(double d) {
      checkArgument(
          d > 0 && d <= 1, "cima factor must be in (0, 1], got %s; the reference uses 0.5", d);
      this.cimaFactor = d;
      return this;
    }

    /** The settings. */
    public SupTickets build() {
      return new SupTickets(this);
    }
  }
}
