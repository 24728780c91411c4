package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.DrawListener;
import dev.supertickets.draw.DrawListeners;
import dev.supertickets.draw.TicketDrawer;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Ranking;
import dev.supertickets.mask.Scope;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.nn.Param;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.ticket.DrawProgress;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.HookState;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Early-bird tickets (You et al. 2020, {@code main.py class EarlyBird}): structured tickets found
 * early in dense training, then cut out and retrained.
 *
 * <p><b>Search.</b> The supernet trains from its initial weights ({@link SuperTicket#initial}) with
 * the retrainer's recipe laid out over {@code maxSearchEpochs} epochs plus network slimming's L1
 * term {@code s · Σ|γ|} on the scales of the BN that ranks each path's hidden channels ({@link
 * InvertedResidualChannels.Path#importanceBn()}). At the start of every epoch (the initial weights
 * included) the channel mask keeps the channels whose {@code |γ|} are above the global {@code
 * channelRatio}-quantile over all paths; the last 5 masks are kept, and the early bird has emerged
 * when the 4 older ones each differ from the newest on at most {@code epsilon} of the channels. The
 * search stops there; if it never emerges, the mask at the end of the last search epoch is drawn
 * instead, and the ticket records {@code earlyBird.found=false}.
 *
 * <p><b>Ticket.</b> The masked channels are cut out physically (paths left empty vanish), as the
 * SuperTickets search shrinks the supernet ({@link Supernet#keep}); optionally the cut network is
 * pruned by global magnitude ({@code unstructuredSparsity}); then the retrainer retrains it, from
 * the weights it had when the mask was taken, for the retrainer's own epochs with a fresh optimizer
 * and schedule and without the L1 term.
 *
 * <p><b>Deviations from the reference.</b> The quantile prunes exactly {@link
 * Ranking#pruneCount}{@code (p, n)} channels, ties broken by position, where the reference prunes
 * the channel at index {@code ⌊p · n⌋} too and every tie with it; the convergence test is {@code d
 * ≤ ε} as the paper states (the code uses {@code <}); the search's schedule is the retrainer's over
 * {@code maxSearchEpochs} epochs, not the first epochs of the full training run.
 *
 * <p>Immutable and reusable; the same seed gives bit-identical tickets.
 */
public final class EarlyBirdDrawer implements TicketDrawer {
  /**
   * Every setting that decides an Early-bird ticket besides the recipe; its provenance is derived.
   */
  private record Settings(
      long seed,
      double l1Penalty,
      double channelRatio,
      double epsilon,
      int maxSearchEpochs,
      double unstructuredSparsity,
      Normalization normalization) {}

  private final SearchSpace space;
  private final Retrainer retrainer;
  private final Settings cfg;
  private final DrawListeners listeners;
  private final java.nio.file.Path checkpoint;

  private EarlyBirdDrawer(Builder b) {
    this.space = b.space;
    this.retrainer = b.recipe();
    this.cfg =
        new Settings(
            b.seed,
            b.l1Penalty,
            b.channelRatio,
            b.epsilon,
            b.maxSearchEpochs,
            b.unstructuredSparsity,
            b.normalization);
    this.listeners = DrawListeners.of(b.drawListeners);
    this.checkpoint = b.checkpoint;
  }

  /**
   * Starts configuring Early-bird on the supernet of {@code space}; every other setting has a
   * default.
   */
  public static Builder builder(SearchSpace space) {
    return new Builder(space);
  }

  @Override
  public SuperTicket draw(Dataset train, Dataset test) {
    checkNotNull(train, "training data must not be null");
    int perEpoch = SparseRuns.stepsPerEpoch(space, train, retrainer);
    Normalization norm =
        cfg.normalization() != null ? cfg.normalization() : Normalization.of(train);
    DrawProgress progress = SparseRuns.progress(checkpoint, settings(), retrainer, train, test);
    SuperTicket cut = progress.stage("search", () -> search(train, test, norm, perEpoch, progress));
    round(0, cut); // the early-bird ticket, cut before its retraining
    SuperTicket retrained = cut.retrain(train, test, progress.checkpointed(retrainer, "retrain"));
    round(1, retrained);
    return retrained;
  }

  /** The early-bird search: the ticket cut (and pruned) from its early-bird mask. */
  private SuperTicket search(
      Dataset train, Dataset test, Normalization norm, int perEpoch, DrawProgress progress) {
    SuperTicket initial = SuperTicket.initial(space, norm, cfg.seed());
    Search search = new Search(perEpoch);
    search.observe(initial.network(), 0);
    Retrainer searching =
        retrainer.toBuilder()
            .epochs(cfg.maxSearchEpochs())
            .regularizer(new SlimmingPenalty(cfg.l1Penalty()))
            .stepHook(search)
            .build();
    try {
      initial.retrain(train, null, progress.checkpointed(searching, "search"));
    } catch (SearchOver expected) {
      // the hook ends every search, at the early bird or after the last search epoch
    }
    checkState(search.state != null, "the early-bird search ended without a mask; this is a bug");

    Supernet net = initial.withState(search.state, Map.of()).network();
    long hiddenBefore = net.hiddenChannels();
    net.keep(keepMap(net, search.mask));
    Map<String, Object> p = settings();
    p.put("earlyBird.found", search.found);
    p.put("earlyBird.epoch", search.epoch);
    p.put("earlyBird.distances", Arrays.toString(search.distances));
    p.put("earlyBird.hiddenChannels", hiddenBefore + " -> " + net.hiddenChannels());
    Provenance.putData(p, "data.", train, test);
    SuperTicket cut = SuperTicket.of(net, norm, Provenance.of(p));
    if (cfg.unstructuredSparsity() > 0) {
      cut = cut.prune(MaskPolicies.magnitude(), cfg.unstructuredSparsity(), null, cfg.seed());
    }
    return cut;
  }

  private void round(int round, SuperTicket ticket) {
    listeners.onRound(new DrawListener.RoundEvent(round, ticket.sparsity(), ticket));
  }

  /** The settings, as provenance entries. */
  public Map<String, Object> settings() {
    Map<String, Object> m = SparseRuns.entries("early-bird", "earlyBird.", cfg);
    m.put("earlyBird.queue", ChannelMaskHistory.LENGTH);
    return m;
  }

  @Override
  public String toString() {
    return "EarlyBirdDrawer" + settings();
  }

  /**
   * The channel mask of {@code net}: per path, in {@link Supernet#paths()} order, whether each
   * hidden channel's {@code |γ|} ranks above the lowest {@code ratio} of all.
   */
  static boolean[] channelMask(Supernet net, double ratio) {
    List<Param> gammas = net.paths().stream().map(p -> p.importanceBn().gamma()).toList();
    ImmutableMap.Builder<Param, INDArray> scores = ImmutableMap.builder();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param g : gammas) {
        scores.put(g, Transforms.abs(g.value(), true).detach());
      }
    }
    ImmutableMap<Param, INDArray> masks =
        Ranking.select(gammas, scores.buildOrThrow(), ratio, Scope.GLOBAL);
    boolean[] out = new boolean[(int) net.hiddenChannels()];
    int at = 0;
    for (Param g : gammas) {
      for (float v : masks.get(g).castTo(DataType.FLOAT).data().asFloat()) {
        out[at++] = v == 1f;
      }
    }
    return out;
  }

  /**
   * {@code mask} (in {@link Supernet#paths()} order) as the per-block, per-path flags {@link
   * Supernet#keep} takes.
   */
  static Map<String, boolean[][]> keepMap(Supernet net, boolean[] mask) {
    checkArgument(
        mask.length == net.hiddenChannels(),
        "mask has %s entries but the network has %s hidden channels",
        mask.length,
        net.hiddenChannels());
    Map<String, boolean[][]> keep = new LinkedHashMap<>();
    int at = 0;
    for (Map.Entry<String, InvertedResidualChannels> b : net.blocks().entrySet()) {
      List<InvertedResidualChannels.Path> paths = b.getValue().paths();
      boolean[][] k = new boolean[paths.size()][];
      for (int i = 0; i < k.length; i++) {
        k[i] = Arrays.copyOfRange(mask, at, at + paths.get(i).hidden());
        at += k[i].length;
      }
      keep.put(b.getKey(), k);
    }
    return keep;
  }

  /** Ends the search's training run from inside its step hook. */
  private static final class SearchOver extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SearchOver() {
      super("early-bird search over", null, false, false);
    }
  }

  /**
   * Watches the masks at every epoch boundary and ends the run once the early bird emerged or time
   * is up.
   */
  private final class Search implements StepHook {
    private final int perEpoch;
    private final ChannelMaskHistory history = new ChannelMaskHistory();
    private boolean[] mask;
    private double[] distances;
    private int epoch;
    private boolean found;
    private NetworkState state;

    Search(int perEpoch) {
      this.perEpoch = perEpoch;
    }

    @Override
    public HookState saveState() {
      List<boolean[]> held = history.masks();
      HookState.Builder b = HookState.builder().put("epoch", epoch).put("masks", held.size());
      try (MemoryWorkspace ignored = Workspaces.outside()) {
        for (int i = 0; i < held.size(); i++) {
          float[] f = new float[held.get(i).length];
          for (int j = 0; j < f.length; j++) {
            f[j] = held.get(i)[j] ? 1f : 0f;
          }
          b.put("mask." + i, Nd4j.createFromArray(f));
        }
      }
      return b.build();
    }

    @Override
    public void restoreState(HookState s) {
      history.clear();
      for (int i = 0; i < s.longValue("masks"); i++) {
        float[] f = s.array("mask." + i).castTo(DataType.FLOAT).data().asFloat();
        boolean[] m = new boolean[f.length];
        for (int j = 0; j < f.length; j++) {
          m[j] = f[j] == 1f;
        }
        history.push(m);
        mask = m;
      }
      distances = history.distances();
      found = history.converged(cfg.epsilon());
      epoch = Math.toIntExact(s.longValue("epoch"));
    }

    @Override
    public void afterStep(Trainer trainer, int stepEpoch) {
      if (trainer.globalStep() % perEpoch == 0
          && observe((Supernet) trainer.model(), (int) (trainer.globalStep() / perEpoch))) {
        throw new SearchOver();
      }
    }

    /**
     * Takes the mask at the start of epoch {@code epochsDone}; returns whether the search is over.
     */
    boolean observe(Supernet net, int epochsDone) {
      mask = channelMask(net, cfg.channelRatio());
      history.push(mask);
      distances = history.distances();
      found = history.converged(cfg.epsilon());
      epoch = epochsDone;
      if (found || epochsDone == cfg.maxSearchEpochs()) {
        state = NetworkState.capture(net);
        return true;
      }
      return false;
    }
  }

  /**
   * Fluent configuration of an {@link EarlyBirdDrawer}; every setting but the space has a default.
   */
  public static final class Builder extends SparseDrawerBuilder<Builder> {
    private double l1Penalty = 1e-4;
    private double channelRatio = 0.5;
    private double epsilon = 0.1;
    private int maxSearchEpochs = 20;
    private double unstructuredSparsity;

    private Builder(SearchSpace space) {
      super(space);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Network slimming's L1 strength {@code s} on the ranking BN scales, finite and non-negative;
     * default 1e-4.
     */
    public Builder l1Penalty(double s) {
      checkArgument(
          s >= 0 && Double.isFinite(s),
          "l1 penalty must be finite and non-negative, got %s; Early-bird uses 1e-4",
          s);
      this.l1Penalty = s;
      return this;
    }

    /**
     * The fraction {@code p} of hidden channels cut, in (0, 1); default 0.5 (the paper uses 0.3,
     * 0.5, 0.7).
     */
    public Builder channelRatio(double p) {
      checkArgument(
          p > 0 && p < 1,
          "channel ratio must be in (0, 1), got %s; Early-bird uses 0.3, 0.5 or 0.7",
          p);
      this.channelRatio = p;
      return this;
    }

    /**
     * The largest mask distance, in [0, 1], at which the early bird counts as emerged; default 0.1.
     */
    public Builder epsilon(double e) {
      checkArgument(e >= 0 && e <= 1, "epsilon must be in [0, 1], got %s; Early-bird uses 0.1", e);
      this.epsilon = e;
      return this;
    }

    /**
     * Search epochs at most, positive; default 20. Without an early bird by then, the last mask is
     * drawn.
     */
    public Builder maxSearchEpochs(int n) {
      checkArgument(
          n > 0,
          "max search epochs must be positive, got %s; the early bird needs at least %s epochs "
              + "to fill its queue",
          n,
          ChannelMaskHistory.LENGTH - 1);
      this.maxSearchEpochs = n;
      return this;
    }

    /**
     * Global magnitude sparsity of the cut network before retraining, in [0, 1); default 0 (none).
     */
    public Builder unstructuredSparsity(double s) {
      checkArgument(
          s >= 0 && s < 1,
          "unstructured sparsity must be in [0, 1), got %s; 0 keeps every weight",
          s);
      this.unstructuredSparsity = s;
      return this;
    }

    /** The drawer; reusable. */
    public EarlyBirdDrawer build() {
      return new EarlyBirdDrawer(this);
    }
  }
}
