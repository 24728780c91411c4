package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicy;
import dev.supertickets.mask.Masks;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Profiler;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.train.BnCalibration;
import dev.supertickets.train.Confusion;
import dev.supertickets.train.Evaluator;
import dev.supertickets.train.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A drawn ticket: the searched architecture (a cut of its {@link SearchSpace}), the weight masks,
 * the trained weights and BN statistics, the input normalisation, and its provenance. Immutable:
 * operations that change weights or masks ({@link #prune}, {@link #retrain}) return a new ticket.
 * Predictions may run from many threads at once; each thread gets its own copy of the network.
 */
public final class SuperTicket {
  private final SearchSpace space;
  private final Architecture architecture;
  private final NetworkState state;
  private final Normalization normalization;
  private final Provenance provenance;
  private final ThreadLocal<Supernet> networks = ThreadLocal.withInitial(this::network);
  // what predict and evaluate run: the same predictions, without a mask multiply per layer and pass
  private final ThreadLocal<Supernet> servingNetworks = ThreadLocal.withInitial(this::serving);

  /**
   * A ticket from its parts; the normalisation must have as many channels as the space's input.
   * Prefer {@link #of} or {@link #load}.
   */
  public SuperTicket(
      SearchSpace space,
      Architecture architecture,
      NetworkState state,
      Normalization normalization,
      Provenance provenance) {
    checkNotNull(space, "search space must not be null");
    checkNotNull(
        architecture,
        "architecture must not be null; use Architecture.full(space) for the whole space");
    checkNotNull(state, "network state must not be null; use NetworkState.capture(network)");
    checkNotNull(
        normalization,
        "normalisation must not be null; use Normalization.identity(channels) for none");
    checkNotNull(provenance, "provenance must not be null; use Provenance.of(Map.of())");
    checkArgument(
        normalization.channels() == space.input().channels(),
        "normalisation has %s channels but the space's input has %s; compute it on images with %s"
            + " channels",
        normalization.channels(),
        space.input().channels(),
        space.input().channels());
    this.space = space;
    this.architecture = architecture;
    this.state = state;
    this.normalization = normalization;
    this.provenance = provenance;
  }

  /** Captures a trained network as a ticket. */
  public static SuperTicket of(Supernet net, Normalization normalization, Provenance provenance) {
    checkNotNull(net, "network must not be null");
    return new SuperTicket(
        net.space(), Architecture.of(net), NetworkState.capture(net), normalization, provenance);
  }

  /**
   * The whole supernet of {@code space} at initialisation, unmasked and untrained: the starting
   * point of lottery tickets and of dense or sparse training. Its weights are those a {@link
   * dev.supertickets.draw.SuperTicketsDrawer} with the same seed starts from ({@code
   * RandomStreams(seed).stream("init")}).
   */
  public static SuperTicket initial(SearchSpace space, Normalization normalization, long seed) {
    checkNotNull(space, "search space must not be null");
    checkNotNull(
        normalization, "normalisation must not be null; use Normalization.of(trainingData)");
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      HrSupernet net =
          new HrSupernet(space, new dev.supertickets.tensor.RandomStreams(seed).stream("init"));
      java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
      p.put("method", "initialisation");
      p.put("seed", seed);
      return of(net, normalization, Provenance.of(p));
    }
  }

  /** The search space whose supernet this ticket was cut from. */
  public SearchSpace space() {
    return space;
  }

  /** The searched architecture: hidden channels left in each path. */
  public Architecture architecture() {
    return architecture;
  }

  /** Weights, masks and BN statistics, by parameter name. */
  public NetworkState state() {
    return state;
  }

  /**
   * The SHA-256, in hex, of this ticket's architecture and every weight, mask and BN statistic
   * (names, shapes and float bits; provenance and normalisation aside): equal for tickets {@link
   * #isIdenticalTo identical} in their numbers, which is how a checkpoint names the ticket its run
   * started from.
   */
  public String fingerprint() {
    com.google.common.hash.Hasher h = com.google.common.hash.Hashing.sha256().newHasher();
    h.putString(architecture.toString(), java.nio.charset.StandardCharsets.UTF_8);
    for (Map<String, INDArray> m :
        java.util.List.of(state.values(), state.masks(), state.stats())) {
      for (Map.Entry<String, INDArray> e : new java.util.TreeMap<>(m).entrySet()) {
        h.putString(e.getKey(), java.nio.charset.StandardCharsets.UTF_8);
        h.putBytes(dev.supertickets.io.Npy.write(e.getValue()));
      }
      h.putInt(-1);
    }
    return h.hash().toString();
  }

  /**
   * Whether {@code other} is this ticket bit for bit: the same space, architecture and
   * normalisation, and every weight, mask and BN statistic with the same shape and the same float
   * bits (provenance aside). Same seed, same backend: the same ticket.
   */
  public boolean isIdenticalTo(SuperTicket other) {
    checkNotNull(other, "ticket to compare with must not be null");
    return space.equals(other.space)
        && architecture.equals(other.architecture)
        && normalization.equals(other.normalization)
        && sameArrays(state.values(), other.state.values())
        && sameArrays(state.masks(), other.state.masks())
        && sameArrays(state.stats(), other.state.stats());
  }

  private static boolean sameArrays(Map<String, INDArray> a, Map<String, INDArray> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, INDArray> e : a.entrySet()) {
      INDArray x = e.getValue();
      INDArray y = b.get(e.getKey());
      if (!java.util.Arrays.equals(x.shape(), y.shape())
          || !java.util.Arrays.equals(x.dup().data().asFloat(), y.dup().data().asFloat())) {
        return false;
      }
    }
    return true;
  }

  /** The per-channel input normalisation {@link #predict} and {@link #evaluate} apply. */
  public Normalization normalization() {
    return normalization;
  }

  /** How the ticket was drawn: method, seed, settings, data, versions, backend. */
  public Provenance provenance() {
    return provenance;
  }

  /**
   * A fresh, independent network holding this ticket's architecture, weights, masks and statistics.
   */
  public Supernet network() {
    return network(new SplittableRandom(0));
  }

  /**
   * {@link #network()} whose dropout layers draw from {@code rng} (the restored values do not
   * depend on it).
   */
  Supernet network(SplittableRandom rng) {
    // built outside any workspace: the network outlives the caller's step
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      HrSupernet net =
          new HrSupernet(space, architecture, rng, org.nd4j.linalg.api.buffer.DataType.FLOAT);
      state.restore(net);
      return net;
    }
  }

  /**
   * A dense network without masks whose predictions equal this ticket's: cut channels are already
   * absent, and each mask is folded into its weights ({@code W ← M ⊙ W}).
   */
  public Supernet compact() {
    Supernet net = network();
    for (Param p : net.params()) {
      if (p.isMasked()) {
        p.value().muli(p.mask());
        p.clearMask();
      }
    }
    return net;
  }

  /**
   * {@link #compact()} prepared for prediction: every multi-path block also keeps its paths merged
   * into one for small batches ({@link InvertedResidualChannels#prepareServing()}), where per-op
   * overhead, not arithmetic, bounds the time. For {@link Mode#EVAL} only: a pass in any other mode
   * drops the merged form.
   */
  public Supernet serving() {
    Supernet net = compact();
    for (InvertedResidualChannels b : Modules.ofType(net, InvertedResidualChannels.class)) {
      b.prepareServing();
    }
    return net;
  }

  /** Fraction of masked weights that are pruned (over all weights that carry a mask). */
  public double sparsity() {
    long total = 0;
    long active = 0;
    for (Map.Entry<String, INDArray> e : state.masks().entrySet()) {
      total += e.getValue().length();
      active += Math.round(e.getValue().sumNumber().doubleValue());
    }
    return total == 0 ? 0 : 1 - (double) active / total;
  }

  /** MACs and parameters of one image, dense and counting active weights only. */
  public Profiler.Cost cost() {
    return networks.get().cost();
  }

  /**
   * Logits for images in [0, 1], NHWC {@code [N, H, W, C]} with the space's input size and at least
   * one image; the ticket applies its own normalisation. Safe to call from many threads at once:
   * each thread runs its own copy of the network, because layers keep per-call state (inputs cached
   * for backward) in fields.
   */
  public INDArray predict(INDArray images) {
    checkNotNull(images, "images must not be null");
    var in = space.input();
    checkArgument(
        images.rank() == 4
            && images.size(0) > 0
            && images.size(1) == in.height()
            && images.size(2) == in.width()
            && images.size(3) == in.channels(),
        "images must be NHWC [N, %s, %s, %s] with N >= 1 for space %s, got shape %s; reshape them"
            + " (one image is [1, %s, %s, %s])",
        in.height(),
        in.width(),
        in.channels(),
        space.name(),
        java.util.Arrays.toString(images.shape()),
        in.height(),
        in.width(),
        in.channels());
    // a private float copy: normalised in place below, and the network computes in float
    INDArray x =
        images.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT
            ? images.dup()
            : images.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    for (int c = 0; c < normalization.channels(); c++) {
      INDArray ch =
          x.get(
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.all(),
              org.nd4j.linalg.indexing.NDArrayIndex.point(c));
      ch.subi(normalization.mean()[c]).divi(normalization.std()[c]);
    }
    try (MemoryWorkspace ignored = Workspaces.step()) {
      INDArray logits = servingNetworks.get().forward(x, Mode.EVAL);
      try (MemoryWorkspace out = Workspaces.outside()) {
        return logits.dup();
      }
    }
  }

  /**
   * Accuracy and loss on a data set (per pixel for dense prediction); the data must fit the space
   * (image size, classes, kind of labels) and hold at least one sample. Safe to call from many
   * threads at once.
   */
  public Metrics evaluate(Dataset data) {
    DataChecks.checkFits(space, data, "evaluation", 1);
    Loader loader = Loader.forEvaluation(data, 256, normalization);
    return Evaluator.evaluate(servingNetworks.get(), loader, lossFor(data));
  }

  /**
   * The confusion matrix on a data set: mean IoU and pixel accuracy for segmentation, accuracy per
   * class.
   */
  public Confusion confusion(Dataset data) {
    checkNotNull(data, "data must not be null");
    DataChecks.checkFits(space, data, "evaluation", 1);
    Loader loader = Loader.forEvaluation(data, 64, normalization);
    return Evaluator.confusion(
        servingNetworks.get(),
        loader,
        data.numClasses(),
        data.isDense() ? data.ignoreLabel() : Dataset.NO_IGNORE_LABEL);
  }

  /**
   * The task loss of a data set, as tickets are trained and evaluated on it: cross-entropy per
   * sample, or per pixel with the data set's ignore label.
   */
  public static SoftmaxCrossEntropy lossFor(Dataset data) {
    return lossFor(data, 0);
  }

  /**
   * {@link #lossFor(Dataset)} with label smoothing {@code smoothing} in [0, 1), as training recipes
   * use it.
   */
  public static SoftmaxCrossEntropy lossFor(Dataset data, double smoothing) {
    checkNotNull(data, "data set must not be null");
    return new SoftmaxCrossEntropy(
        smoothing, data.isDense() ? data.ignoreLabel() : SoftmaxCrossEntropy.NO_IGNORE);
  }

  /**
   * A new ticket whose masks come from {@code policy} at {@code sparsity}, computed on this
   * ticket's weights (the search-then-prune baseline, without retraining); {@code data} feeds
   * data-dependent scores and may be null.
   */
  public SuperTicket prune(MaskPolicy policy, double sparsity, Dataset data, long seed) {
    checkNotNull(policy, "mask policy must not be null; e.g. MaskPolicies.magnitude()");
    checkArgument(
        sparsity >= 0 && sparsity < 1,
        "sparsity must be in [0, 1), got %s; e.g. 0.9 prunes 90%% of " + "the prunable weights",
        sparsity);
    if (data != null) {
      DataChecks.checkFits(space, data, "pruning", 1);
    }
    Supernet net = network();
    MaskContext.Builder ctx = MaskContext.builder(net).seed(seed);
    if (data != null) {
      ctx.data(Loader.builder(data).batchSize(128).normalization(normalization).seed(seed).build());
    }
    ImmutableMap<Param, INDArray> masks = policy.masks(ctx.build(), sparsity);
    Masks.install(masks);
    return new SuperTicket(
        space,
        architecture,
        NetworkState.capture(net),
        normalization,
        provenance.with(Map.of("pruned.policy", policy.toString(), "pruned.sparsity", sparsity)));
  }

  /**
   * A new ticket with the same weights and masks whose BN running statistics were re-estimated
   * (cumulative average, masks applied) on {@code batches} shuffled batches of 128 from {@code
   * data}, as the reference does before it evaluates any ticket: after {@link #prune} the stored
   * statistics describe the unpruned network and are stale. Adds {@code recalibrated.*} provenance.
   */
  public SuperTicket recalibrate(Dataset data, int batches, long seed) {
    dev.supertickets.train.RecipeChecks.calibrationBatches(batches);
    DataChecks.checkFits(space, data, "calibration", 1);
    Supernet net = network();
    Loader loader =
        Loader.builder(data).batchSize(128).normalization(normalization).seed(seed).build();
    BnCalibration.recalibrate(net, loader, batches, 0);
    return new SuperTicket(
        space,
        architecture,
        NetworkState.capture(net),
        normalization,
        provenance.with(
            Map.of(
                "recalibrated.batches",
                batches,
                "recalibrated.batchSize",
                128,
                "recalibrated.data",
                data.describe(),
                "recalibrated.seed",
                seed)));
  }

  /**
   * A new ticket with the same architecture and masks whose weights {@code retrainer} retrained on
   * {@code train} with the masks enforced, BN re-calibrated and {@code retrained.*} provenance
   * added; {@code test} (may be null) is evaluated along the way. The search, prune, then retrain
   * baseline; see {@link Retrainer}.
   */
  public SuperTicket retrain(Dataset train, Dataset test, Retrainer retrainer) {
    checkNotNull(
        retrainer, "retrainer must not be null; use Retrainer.builder().build() for the defaults");
    return retrainer.retrain(this, train, test);
  }

  /**
   * This ticket carried to another task: backbone kept (architecture, masks, weights), a new head
   * for the target, fine-tuned with masks and architecture fixed; see {@link Transfer}.
   */
  public SuperTicket transferTo(Transfer transfer) {
    checkNotNull(transfer, "transfer must not be null; use Transfer.to(train, test).build()");
    return transfer.apply(this);
  }

  /**
   * A new ticket with other numbers (same architecture), e.g. after retraining with fixed masks.
   */
  public SuperTicket withState(NetworkState newState, Map<String, ?> moreProvenance) {
    checkNotNull(newState, "network state must not be null");
    checkNotNull(moreProvenance, "provenance entries must not be null; pass Map.of() for none");
    return new SuperTicket(
        space, architecture, newState, normalization, provenance.with(moreProvenance));
  }

  /**
   * Saves this ticket atomically in the versioned, checksummed ticket format ({@link TicketFile}).
   */
  public void save(Path file) throws IOException {
    checkNotNull(file, "file must not be null; pass e.g. Path.of(\"ticket.stkt\")");
    TicketFile.write(this, file);
  }

  /**
   * Loads a ticket written by {@link #save} in ticket format version 1 to {@value
   * TicketFile#VERSION}.
   *
   * @throws dev.supertickets.io.FileFormatException the one exception for a file that will not
   *     load, naming the file and the problem: foreign, truncated, corrupt (whole-file and
   *     per-entry SHA-256), inconsistent, or written in a newer format version (the message names
   *     the versions this library reads and that a newer SuperTickets-J is needed)
   * @throws IOException when the file cannot be read at all (missing, no permission)
   */
  public static SuperTicket load(Path file) throws IOException {
    return TicketFile.read(file);
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "SuperTicket[%s, %d hidden channels in %d paths, sparsity %.3f]",
        space.name(),
        architecture.totalHidden(),
        architecture.livePaths(),
        sparsity());
  }
}
