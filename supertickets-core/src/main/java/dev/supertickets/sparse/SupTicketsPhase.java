package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Loader;
import dev.supertickets.mask.Ranking;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.BnCalibration;
import dev.supertickets.train.HookState;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The second phase of Sup-tickets as a step hook (B.2 step 3). After the last step of the first
 * phase it keeps the live model as {@code θ̄_0}; after the last step of cycle {@code k} it
 * superposes the live model {@code θ_k} into {@code θ̄} (effective weights {@code M ⊙ W}, biases,
 * BN parameters and running statistics), re-prunes {@code θ̄} to the parameter budget and
 * re-calibrates its BN on one pass of the training data. Training goes on from {@code θ_k}; {@code
 * θ̄} is a side product until the last cycle. At every cycle start it optionally re-explores the
 * live masks. Mutable, one per draw.
 */
final class SupTicketsPhase implements StepHook {
  private final SupTickets config;
  private final SupTickets.Split split;
  private final long preSteps;
  private final long cycleSteps;
  private final DstUpdates dst;
  private final SuperTicket template;
  private final Loader calibration;
  private final long budget;
  private NetworkState average;
  private int tickets;
  private int reExplorations;
  private final List<Double> cycleSparsity = new ArrayList<>();

  /**
   * @param template a ticket of the run's architecture, to rebuild networks for BN re-calibration
   * @param calibration the loader of BN re-calibration (one whole epoch is used)
   * @param budget the number {@code n} of weights the re-pruned average keeps
   */
  SupTicketsPhase(
      SupTickets config,
      SupTickets.Split split,
      int batchesPerEpoch,
      DstUpdates dst,
      SuperTicket template,
      Loader calibration,
      long budget) {
    this.config = checkNotNull(config, "sup-tickets settings must not be null");
    this.split = checkNotNull(split, "split must not be null");
    checkArgument(
        batchesPerEpoch > 0, "batches per epoch must be positive, got %s", batchesPerEpoch);
    this.preSteps = (long) split.preEpochs() * batchesPerEpoch;
    this.cycleSteps = (long) config.cycleEpochs() * batchesPerEpoch;
    this.dst = checkNotNull(dst, "dst updates must not be null");
    this.template = checkNotNull(template, "template ticket must not be null");
    this.calibration = checkNotNull(calibration, "calibration loader must not be null");
    checkArgument(budget > 0, "parameter budget must be positive, got %s", budget);
    this.budget = budget;
  }

  @Override
  public void afterStep(Trainer trainer, int epoch) {
    long t = trainer.globalStep();
    if (t < preSteps || (t - preSteps) % cycleSteps != 0) {
      return;
    }
    int k = Math.toIntExact((t - preSteps) / cycleSteps);
    if (k > split.tickets()) {
      return;
    }
    NetworkState live = NetworkState.capture(trainer.model());
    if (k == 0) {
      average = live;
    } else {
      average =
          recalibrate(reprune(superpose(average, live, config.newTicketWeight(k)), budget), k);
      tickets = k;
      cycleSparsity.add(sparsity(average));
    }
    if (k < split.tickets() && config.reExplore() > 0) {
      double q = config.reExplore();
      dst.dropAndGrow(trainer, active -> (long) Math.ceil(q * active));
      reExplorations++;
    }
  }

  @Override
  public HookState saveState() {
    HookState.Builder b =
        HookState.builder()
            .put("tickets", tickets)
            .put("reExplorations", reExplorations)
            .put("cycles", cycleSparsity.size());
    for (int i = 0; i < cycleSparsity.size(); i++) {
      b.put("cycleSparsity." + i, cycleSparsity.get(i));
    }
    if (average != null) {
      b.network("average", average);
    }
    return b.build();
  }

  @Override
  public void restoreState(HookState s) {
    tickets = Math.toIntExact(s.longValue("tickets"));
    reExplorations = Math.toIntExact(s.longValue("reExplorations"));
    cycleSparsity.clear();
    for (int i = 0; i < s.longValue("cycles"); i++) {
      cycleSparsity.add(s.doubleValue("cycleSparsity." + i));
    }
    average = s.hasNetwork("average") ? s.network("average") : null;
  }

  /**
   * {@code (1 − w) · prev + w · next} over every entry, masked weights taken as {@code M ⊙ W}; the
   * result carries {@code next}'s masks only to name the masked tensors for {@link #reprune}.
   */
  static NetworkState superpose(NetworkState prev, NetworkState next, double w) {
    checkArgument(
        prev.values().keySet().equals(next.values().keySet())
            && prev.stats().keySet().equals(next.stats().keySet()),
        "states to superpose must hold the same entries");
    Map<String, INDArray> values = new LinkedHashMap<>();
    Map<String, INDArray> stats = new LinkedHashMap<>();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (String name : next.values().keySet()) {
        values.put(name, effective(prev, name).mul(1 - w).addi(effective(next, name).mul(w)));
      }
      for (String name : next.stats().keySet()) {
        stats.put(name, prev.stats().get(name).mul(1 - w).addi(next.stats().get(name).mul(w)));
      }
    }
    return new NetworkState(ImmutableMap.copyOf(values), next.masks(), ImmutableMap.copyOf(stats));
  }

  /**
   * Keeps the {@code keep} largest {@code |w|} over all masked tensors of {@code state} together
   * (the reference keeps ties with the threshold too; here ties go to the earlier tensor and lower
   * index, so exactly {@code keep} stay) and zeroes the others.
   */
  static NetworkState reprune(NetworkState state, long keep) {
    ImmutableList<String> names = state.masks().keySet().asList();
    checkArgument(!names.isEmpty(), "the state has no masked tensor to re-prune");
    List<float[]> weights = new ArrayList<>();
    int total = 0;
    for (String name : names) {
      float[] v = DropAndGrow.floats(state.values().get(name));
      weights.add(v);
      total = Math.addExact(total, v.length);
    }
    double[] score = new double[total];
    int at = 0;
    for (float[] v : weights) {
      for (float x : v) {
        score[at++] = Math.abs(x);
      }
    }
    boolean[] all = new boolean[total];
    Arrays.fill(all, true);
    boolean[] kept = Top.select(score, all, keep);
    Map<String, INDArray> values = new LinkedHashMap<>(state.values());
    Map<String, INDArray> masks = new LinkedHashMap<>();
    at = 0;
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (int i = 0; i < names.size(); i++) {
        float[] v = weights.get(i).clone();
        float[] m = new float[v.length];
        for (int j = 0; j < v.length; j++, at++) {
          m[j] = kept[at] ? 1f : 0f;
          v[j] = kept[at] ? v[j] : 0f;
        }
        long[] shape = state.values().get(names.get(i)).shape();
        values.put(names.get(i), Nd4j.create(v, shape, 'c'));
        masks.put(names.get(i), Nd4j.create(m, shape, 'c'));
      }
    }
    return new NetworkState(ImmutableMap.copyOf(values), ImmutableMap.copyOf(masks), state.stats());
  }

  /**
   * The parameter budget {@code n = floor(N · D)} of {@code prunable} weights at density {@code D =
   * 1 − sparsity}, with the forgiving floor of {@link Ranking#pruneCount} ({@code 1 − 0.9} is
   * {@code 0.09999999999999998} in doubles, yet 1000 weights keep 100).
   */
  static long budget(double sparsity, long prunable) {
    checkArgument(sparsity > 0 && sparsity < 1, "sparsity must be in (0, 1), got %s", sparsity);
    return Ranking.pruneCount(1 - sparsity, prunable);
  }

  /**
   * {@code state} with BN statistics re-estimated on one pass of the calibration data (epoch order
   * {@code k}).
   */
  private NetworkState recalibrate(NetworkState state, int k) {
    Supernet net = template.network();
    state.restore(net);
    BnCalibration.recalibrate(net, calibration, calibration.batchesPerEpoch(), k);
    return NetworkState.capture(net);
  }

  private static INDArray effective(NetworkState s, String name) {
    INDArray v = s.values().get(name);
    INDArray m = s.masks().get(name);
    return m == null ? v : v.mul(m);
  }

  private static double sparsity(NetworkState s) {
    long total = 0;
    long active = 0;
    for (INDArray m : s.masks().values()) {
      total += m.length();
      active += Math.round(m.sumNumber().doubleValue());
    }
    return 1 - (double) active / total;
  }

  /** {@code θ̄_K}, re-pruned and BN re-calibrated; fails before the last cycle ended. */
  NetworkState result() {
    checkState(
        tickets == split.tickets(),
        "sup-tickets phase ended after %s of %s tickets",
        tickets,
        split.tickets());
    return average;
  }

  /** Tickets superposed so far. */
  int tickets() {
    return tickets;
  }

  /** Re-explorations done. */
  int reExplorations() {
    return reExplorations;
  }

  /** The sparsity of the re-pruned average after each cycle. */
  ImmutableList<Double> cycleSparsity() {
    return ImmutableList.copyOf(cycleSparsity);
  }
}
