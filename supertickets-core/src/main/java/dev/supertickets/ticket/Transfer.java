package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Dataset;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.nn.Param;
import dev.supertickets.space.ClassificationHead;
import dev.supertickets.space.DenseHead;
import dev.supertickets.space.HeadSpec;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.tensor.Workspaces;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Carries a ticket to another task (SuperTickets §5, "task-agnostic tickets"): the backbone (stem
 * and every stage block) keeps its cut architecture, masks, weights and BN statistics; the head is
 * replaced by one for the target (a classifier with the target's number of classes, or the dense
 * head for per-pixel labels); then the network is fine-tuned on the target with masks and
 * architecture fixed and a new optimizer, EMA and schedule ({@link Retrainer}). Options: freeze the
 * backbone (its weights and BN affine parameters stay as they are; BN running statistics are still
 * re-estimated on the target, whose inputs differ), and take the head from a ticket drawn on the
 * target task (its cut head blocks and their weights, as the reference does from ImageNet to COCO).
 *
 * <p>Input size: the backbone is convolutional, so it takes any input size the space's strides
 * allow (the layout is rebuilt for the target's height and width; MACs grow with the pixel count).
 * The number of image channels must match the ticket's stem. The ticket's input normalisation is
 * kept, since the backbone's weights were learnt on it. The new head's own weights start dense
 * (unmasked) unless they come from a donor ticket.
 *
 * <p>The transferred ticket's provenance keeps the source's entries under {@code source.*} and adds
 * {@code transfer.*} (target data, head, freezing, donor) and the fine-tuning's {@code
 * retrained.*}.
 */
public final class Transfer {
  private final Dataset train;
  private final Dataset test;
  private final boolean freezeBackbone;
  private final SuperTicket headDonor;
  private final HeadSpec head;
  private final Retrainer retrainer;
  private final long seed;

  private Transfer(Builder b) {
    this.train = b.train;
    this.test = b.test;
    this.freezeBackbone = b.freezeBackbone;
    this.headDonor = b.headDonor;
    this.head = b.head;
    this.retrainer = b.retrainer;
    this.seed = b.seed;
  }

  /**
   * Starts configuring a transfer to a target task given by its training data ({@code test} may be
   * null).
   */
  public static Builder to(Dataset train, Dataset test) {
    return new Builder(train, test);
  }

  /** Whether the backbone is frozen during fine-tuning. */
  public boolean freezesBackbone() {
    return freezeBackbone;
  }

  /**
   * The transferred ticket, before fine-tuning: backbone from {@code source}, the new head
   * initialised.
   */
  SuperTicket initial(SuperTicket source) {
    checkNotNull(source, "source ticket must not be null");
    SearchSpace from = source.space();
    checkArgument(
        train.channels() == from.input().channels(),
        "ticket drawn on %s takes %s-channel images, but the target data %s has %s channels;"
            + " convert the images to %s channels or draw a ticket on %s-channel data",
        from.name(),
        from.input().channels(),
        train.name(),
        train.channels(),
        from.input().channels(),
        train.channels());
    HeadSpec targetHead =
        head != null ? head : headDonor != null ? headDonor.space().head() : defaultHead(from);
    checkArgument(
        (targetHead instanceof DenseHead) == train.isDense(),
        "the target data %s has %s labels but the head is a %s head; give a dense head for"
            + " per-pixel labels and a classification head otherwise",
        train.name(),
        train.isDense() ? "per-pixel" : "per-sample",
        targetHead instanceof DenseHead ? "dense" : "classification");
    checkArgument(
        targetHead.numClasses() == train.numClasses(),
        "the head predicts %s classes but the target data "
            + "%s has %s; give a head with %s classes",
        targetHead.numClasses(),
        train.name(),
        train.numClasses(),
        train.numClasses());
    SearchSpace target;
    try {
      target =
          from.toBuilder()
              .input(from.input().channels(), train.height(), train.width())
              .head(targetHead)
              .build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(
          String.format(
              "the ticket's backbone (space %s, %sx%s input) cannot take the target's %sx%s images:"
                  + " %s; resize the target images to a size the space's strides allow",
              from.name(),
              from.input().height(),
              from.input().width(),
              train.height(),
              train.width(),
              e.getMessage()),
          e);
    }
    Set<String> backbone = backboneBlocks(target);
    Map<String, ImmutableList<Integer>> arch = new LinkedHashMap<>();
    Architecture full = Architecture.full(target);
    for (SearchableBlock b : target.blocks()) {
      if (backbone.contains(b.name())) {
        arch.put(b.name(), source.architecture().of(b.name()));
      } else if (headDonor != null) {
        arch.put(b.name(), headDonor.architecture().of(b.name()));
      } else {
        arch.put(b.name(), full.of(b.name()));
      }
    }
    Architecture architecture = new Architecture(ImmutableMap.copyOf(arch));
    NetworkState state;
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      HrSupernet net =
          new HrSupernet(
              target, architecture, new RandomStreams(seed).stream("head-init"), DataType.FLOAT);
      NetworkState fresh = NetworkState.capture(net);
      state = merge(fresh, source.state(), n -> isBackbone(n, backbone), "source ticket");
      if (headDonor != null) {
        checkArgument(
            headDonor.space().input().channels() == from.input().channels(),
            "head donor takes %s " + "channels, the ticket %s",
            headDonor.space().input().channels(),
            from.input().channels());
        state = merge(state, headDonor.state(), n -> !isBackbone(n, backbone), "head donor");
      }
    }
    Map<String, Object> p = new LinkedHashMap<>();
    source.provenance().entries().forEach((k, v) -> p.put("source." + k, v));
    Provenance.putData(p, "transfer.target.", train, test);
    p.put("transfer.head", describe(targetHead));
    p.put(
        "transfer.headFrom",
        headDonor == null
            ? "new"
            : "donor ticket: "
                + headDonor.provenance().entries().getOrDefault("method", "unknown")
                + " on "
                + headDonor.provenance().entries().getOrDefault("data.train", "unknown data"));
    p.put("transfer.freezeBackbone", freezeBackbone);
    p.put("transfer.inputSize", train.height() + "x" + train.width());
    p.put("transfer.seed", seed);
    p.put("method", "transfer");
    return new SuperTicket(target, architecture, state, source.normalization(), Provenance.of(p));
  }

  /** The transferred, fine-tuned ticket. */
  SuperTicket apply(SuperTicket source) {
    SuperTicket start = initial(source);
    Set<String> backbone = backboneBlocks(start.space());
    Predicate<Param> trainable = freezeBackbone ? p -> !isBackbone(p.name(), backbone) : null;
    return retrainer.retrain(start, train, test, trainable);
  }

  /** Names of the blocks that form the backbone: every block that is not part of a head. */
  static Set<String> backboneBlocks(SearchSpace space) {
    Set<String> s = new HashSet<>();
    for (SearchableBlock b : space.blocks()) {
      switch (b.role()) {
        case FUSE, NEW_BRANCH, BRANCH, CHAIN -> s.add(b.name());
        default -> {}
      }
    }
    return s;
  }

  /** Whether a parameter or BN statistic name belongs to the stem or a backbone block. */
  static boolean isBackbone(String name, Set<String> backboneBlocks) {
    if (name.startsWith("stem")) {
      return true;
    }
    int dot = name.indexOf('.');
    while (dot > 0) {
      if (backboneBlocks.contains(name.substring(0, dot))) {
        return true;
      }
      dot = name.indexOf('.', dot + 1);
    }
    return false;
  }

  /**
   * {@code base} with the values, masks and BN statistics of the parameters {@code take} accepts
   * copied from {@code from} (a parameter's statistics go with its BN's gamma); shapes must agree.
   */
  private static NetworkState merge(
      NetworkState base, NetworkState from, Predicate<String> take, String what) {
    Map<String, INDArray> values = new LinkedHashMap<>(base.values());
    Map<String, INDArray> masks = new LinkedHashMap<>(base.masks());
    Map<String, INDArray> stats = new LinkedHashMap<>(base.stats());
    for (String name : base.values().keySet()) {
      if (take.test(name)) {
        values.put(name, fitting(from.values().get(name), base.values().get(name), name, what));
        masks.remove(name);
        INDArray m = from.masks().get(name);
        if (m != null) {
          masks.put(name, m);
        }
      }
    }
    for (String name : base.stats().keySet()) {
      if (take.test(statOwner(name))) {
        stats.put(name, fitting(from.stats().get(name), base.stats().get(name), name, what));
      }
    }
    return new NetworkState(
        ImmutableMap.copyOf(values), ImmutableMap.copyOf(masks), ImmutableMap.copyOf(stats));
  }

  private static INDArray fitting(INDArray v, INDArray like, String name, String what) {
    checkArgument(
        v != null,
        "the %s has no tensor %s that the target network needs; use a ticket of the same "
            + "search space family",
        what,
        name);
    checkArgument(
        java.util.Arrays.equals(v.shape(), like.shape()),
        "the %s holds %s as %s, the target network "
            + "needs %s; use a ticket of the same search space",
        what,
        name,
        java.util.Arrays.toString(v.shape()),
        java.util.Arrays.toString(like.shape()));
    return v;
  }

  /** {@code x.running_mean} belongs to the BN whose gamma is {@code x.gamma}. */
  private static String statOwner(String statName) {
    int dot = statName.lastIndexOf('.');
    return statName.substring(0, dot) + ".gamma";
  }

  /**
   * A head for a space's own task shape: the same classification head with other classes when the
   * source has one, otherwise one whose head channels double each final branch's channels and whose
   * last channel doubles the last of them (for {@code tiny28} that is its own head).
   */
  private HeadSpec defaultHead(SearchSpace from) {
    if (train.isDense()) {
      int last =
          from.head() instanceof DenseHead d
              ? d.lastChannel()
              : from.head() instanceof ClassificationHead c ? c.lastChannel() : 32;
      return new DenseHead(last, train.numClasses());
    }
    if (from.head() instanceof ClassificationHead c) {
      return new ClassificationHead(
          c.headChannels(), c.lastChannel(), c.dropout(), train.numClasses());
    }
    List<Integer> finals = new ArrayList<>();
    if (from.isChain()) {
      finals.add(from.chain().get(from.chain().size() - 1).outChannels());
    } else {
      for (int ch : from.stages().get(from.stages().size() - 1).channels()) {
        finals.add(ch);
      }
    }
    List<Integer> headCh = finals.stream().map(c -> 2 * c).toList();
    return ClassificationHead.of(
        headCh, 2 * headCh.get(headCh.size() - 1), 0.0, train.numClasses());
  }

  private static String describe(HeadSpec h) {
    if (h instanceof DenseHead d) {
      return "dense(last " + d.lastChannel() + ", " + d.numClasses() + " classes)";
    }
    ClassificationHead c = (ClassificationHead) h;
    return "classification(head "
        + c.headChannels()
        + ", last "
        + c.lastChannel()
        + ", dropout "
        + c.dropout()
        + ", "
        + c.numClasses()
        + " classes)";
  }

  /**
   * Fluent configuration; defaults: backbone fine-tuned too, new head, {@link Retrainer} defaults,
   * seed 1995.
   */
  public static final class Builder {
    private final Dataset train;
    private final Dataset test;
    private boolean freezeBackbone;
    private SuperTicket headDonor;
    private HeadSpec head;
    private Retrainer retrainer = Retrainer.builder().build();
    private long seed = 1995;

    private Builder(Dataset train, Dataset test) {
      this.train = checkNotNull(train, "target training data must not be null");
      checkArgument(
          train.size() > 0,
          "target training data %s is empty; pass a set with samples",
          train.name());
      this.test = test;
    }

    /** Keeps the backbone's weights (and BN affine parameters) fixed and trains only the head. */
    public Builder freezeBackbone(boolean freeze) {
      this.freezeBackbone = freeze;
      return this;
    }

    /**
     * Takes the head (its cut blocks and their weights) from a ticket drawn on the target task, of
     * the same search space family; only the backbone comes from the transferred ticket.
     */
    public Builder headFrom(SuperTicket donor) {
      this.headDonor = checkNotNull(donor, "head donor ticket must not be null");
      return this;
    }

    /** The target's head, when neither the default nor a donor's head is wanted. */
    public Builder head(HeadSpec spec) {
      this.head = checkNotNull(spec, "head must not be null");
      return this;
    }

    /** How the transferred network is fine-tuned (epochs, learning rate, schedule, EMA, seed). */
    public Builder retrainer(Retrainer r) {
      this.retrainer =
          checkNotNull(r, "retrainer must not be null; use Retrainer.builder().build()");
      return this;
    }

    /** Seeds the new head's initial weights. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Transfer build() {
      checkArgument(
          head == null || headDonor == null, "give either a head or a head donor, not both");
      return new Transfer(this);
    }
  }
}
