package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.supertickets.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable description of a supernet to search and prune: input, fixed stem, a body of
 * searchable blocks (HR-NAS multi-branch stages, or a single-branch MobileNetV2-style chain), the
 * searchable block itself, and a task head. Build one with {@link #builder()} or take a preset from
 * {@link SearchSpaces}; derive the graph with {@link #blocks()} / {@link #layout()} and its size
 * with {@link #cost()}; store it with {@link #toJson()}.
 *
 * <p>A multi-branch space is HR-NAS's {@code HighResolutionNet} with {@code
 * only_fuse_neighbor=True} and {@code directly_downsample=True}: stem, then per stage a fuse module
 * and parallel branches ({@link StageSpec}), then a head ({@link ClassificationHead} or {@link
 * DenseHead}). The exact dataflow is documented on {@link SearchableBlock}. Stages may add branches
 * but never drop them; the first stage reads the stem output as its single input branch.
 *
 * <p>Equality is by value over every component, including the name.
 */
public final class SearchSpace {
  /** The largest channel count accepted anywhere. */
  public static final int MAX_CHANNELS = 1 << 16;

  /** The largest block count per branch or chain stage. */
  public static final int MAX_BLOCKS = 256;

  /** The largest input height or width. */
  public static final int MAX_INPUT_SIZE = 1 << 14;

  private final String name;
  private final InputSpec input;
  private final ImmutableList<StemLayer> stem;
  private final ImmutableList<StageSpec> stages;
  private final ImmutableList<ChainStage> chain;
  private final BlockSpec block;
  private final BatchNormSpec batchNorm;
  private final HeadSpec head;
  private final SupernetLayout layout;

  private SearchSpace(Builder b) {
    this.name = b.name;
    this.input = b.input;
    this.stem = ImmutableList.copyOf(b.stem);
    this.stages = ImmutableList.copyOf(b.stages);
    this.chain = ImmutableList.copyOf(b.chain);
    this.block = b.block;
    this.batchNorm = b.batchNorm;
    this.head = b.head;
    for (int s = 1; s < stages.size(); s++) {
      checkArgument(
          stages.get(s).branches() >= stages.get(s - 1).branches(),
          "stage %s has %s branches but stage %s has %s; a stage may add branches but never drop"
              + " them: give stage %s at least %s branches",
          s,
          stages.get(s).branches(),
          s - 1,
          stages.get(s - 1).branches(),
          s,
          stages.get(s - 1).branches());
    }
    this.layout = new SupernetLayout(this);
  }

  /**
   * A builder with the HR-NAS defaults for the block ({@link BlockSpec#DEFAULT}) and BN ({@link
   * BatchNormSpec#DEFAULT}).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this space, for variations. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.input = input;
    b.stem.addAll(stem);
    b.stages.addAll(stages);
    b.chain.addAll(chain);
    b.block = block;
    b.batchNorm = batchNorm;
    b.head = head;
    return b;
  }

  /**
   * This space for another input height and width (same channels); useful to count MACs at another
   * size.
   */
  public SearchSpace withInputSize(int height, int width) {
    return toBuilder().input(input.channels(), height, width).build();
  }

  /** A short identifier, such as {@code imagenet224}; recorded with tickets. */
  public String name() {
    return name;
  }

  /** The input images. */
  public InputSpec input() {
    return input;
  }

  /** The fixed conv-BN-act layers before the first searchable block (may be empty). */
  public ImmutableList<StemLayer> stem() {
    return stem;
  }

  /**
   * The product of the stem strides: branch 0 runs at {@code 1/inputStride} of the input
   * resolution.
   */
  public int inputStride() {
    return stem.stream().mapToInt(StemLayer::stride).reduce(1, Math::multiplyExact);
  }

  /** The multi-branch stages; empty for a chain. */
  public ImmutableList<StageSpec> stages() {
    return stages;
  }

  /** The chain stages; empty for a multi-branch space. */
  public ImmutableList<ChainStage> chain() {
    return chain;
  }

  /** Whether the body is a single-branch chain rather than multi-branch stages. */
  public boolean isChain() {
    return !chain.isEmpty();
  }

  /** The searchable block every position holds. */
  public BlockSpec block() {
    return block;
  }

  /** The network-wide activation, {@code block().activation()}. */
  public ActivationKind activation() {
    return block.activation();
  }

  /** The BatchNorm settings of every BN. */
  public BatchNormSpec batchNorm() {
    return batchNorm;
  }

  /** The task head. */
  public HeadSpec head() {
    return head;
  }

  /** The supernet's layout: resolutions, searchable blocks, lookups and cost. */
  public SupernetLayout layout() {
    return layout;
  }

  /** The searchable blocks in their fixed order; see {@link SearchableBlock} for the graph. */
  public ImmutableList<SearchableBlock> blocks() {
    return layout.blocks();
  }

  /**
   * The block with this name.
   *
   * @throws IllegalArgumentException if there is none
   */
  public SearchableBlock block(String blockName) {
    checkNotNull(blockName, "block name must not be null; names look like stage0.branch0.block0");
    return layout.block(blockName);
  }

  /** Dense MACs, parameters and path penalties at this space's input size. */
  public SupernetCost cost() {
    return layout.cost();
  }

  /** A readable listing of the whole supernet (see {@link SupernetLayout#describe()}). */
  public String describe() {
    return layout.describe();
  }

  /**
   * This space as indented JSON; {@link #fromJson(String)} reads it back to an equal space (doubles
   * exactly). The document is an object with {@code "format": "supertickets.search-space"}, {@code
   * "version": 1}, {@code "name"}, {@code "input"}, {@code "stem"}, either {@code "stages"} or
   * {@code "chain"}, {@code "block"}, {@code "batchNorm"} and {@code "head"} (with {@code "type":
   * "classification"} or {@code "dense"}); member names are those of the records' components.
   */
  public String toJson() {
    return Json.writePretty(toJsonTree());
  }

  /**
   * This space as a JSON tree of maps and lists (the form {@link dev.supertickets.io.Json} writes),
   * to embed in a larger document such as a ticket file.
   */
  public Object toJsonTree() {
    return SearchSpaceJson.toTree(this);
  }

  /**
   * Reads a space written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException for malformed JSON, a missing, unknown or mistyped member, an
   *     unsupported format version or an invalid space; the message names the member ({@code
   *     $.stages[2].channels})
   */
  public static SearchSpace fromJson(String json) {
    return fromJsonTree(Json.parse(json));
  }

  /**
   * Reads a space from a JSON tree as {@link #toJsonTree()} returns it.
   *
   * @throws IllegalArgumentException as {@link #fromJson(String)}
   */
  public static SearchSpace fromJsonTree(Object tree) {
    checkNotNull(
        tree,
        "search space JSON tree must not be null; pass what SearchSpace.toJsonTree() returned");
    return SearchSpaceJson.fromTree(tree);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SearchSpace other
        && name.equals(other.name)
        && input.equals(other.input)
        && stem.equals(other.stem)
        && stages.equals(other.stages)
        && chain.equals(other.chain)
        && block.equals(other.block)
        && batchNorm.equals(other.batchNorm)
        && head.equals(other.head);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, input, stem, stages, chain, block, batchNorm, head);
  }

  /** The name, input, body size and cost in one line. */
  @Override
  public String toString() {
    SupernetCost c = cost();
    return String.format(
        Locale.ROOT,
        "SearchSpace[%s: input %s, %s, %,d MACs, %,d params, %d blocks]",
        name,
        input,
        isChain() ? chain.size() + " chain stages" : stages.size() + " stages",
        c.macs(),
        c.params(),
        c.blocks());
  }

  /**
   * Fluent builder. Setters replace what was set before; {@code stemLayer}, {@code stage} and
   * {@code chainStage} append. Required: {@link #input}, a body ({@link #stage} or {@link
   * #chainStage}, not both) and a head. Defaults: name {@code "custom"}, block {@link
   * BlockSpec#DEFAULT}, BN {@link BatchNormSpec#DEFAULT}, no stem.
   */
  public static final class Builder {
    private String name = "custom";
    private InputSpec input;
    private final List<StemLayer> stem = new ArrayList<>();
    private final List<StageSpec> stages = new ArrayList<>();
    private final List<ChainStage> chain = new ArrayList<>();
    private BlockSpec block = BlockSpec.DEFAULT;
    private BatchNormSpec batchNorm = BatchNormSpec.DEFAULT;
    private HeadSpec head;

    private Builder() {}

    /** Sets the name (not blank; any characters). */
    @CanIgnoreReturnValue
    public Builder name(String spaceName) {
      checkNotNull(spaceName, "name");
      checkArgument(
          !spaceName.isBlank(), "a search space name must not be blank, got \"%s\"", spaceName);
      this.name = spaceName;
      return this;
    }

    /** Sets the input images' channels, height and width. */
    @CanIgnoreReturnValue
    public Builder input(int channels, int height, int width) {
      return input(new InputSpec(channels, height, width));
    }

    /** Sets the input images. */
    @CanIgnoreReturnValue
    public Builder input(InputSpec spec) {
      checkNotNull(spec, "input");
      checkArgument(
          spec.height() <= MAX_INPUT_SIZE && spec.width() <= MAX_INPUT_SIZE,
          "input height and width must be at most %s, got %s",
          MAX_INPUT_SIZE,
          spec);
      checkArgument(
          spec.channels() <= MAX_CHANNELS,
          "input channels must be at most %s, got %s",
          MAX_CHANNELS,
          spec.channels());
      this.input = spec;
      return this;
    }

    /**
     * Appends a stem layer: conv {@code kernelSize x kernelSize}, stride, no bias, then BN and
     * activation.
     */
    @CanIgnoreReturnValue
    public Builder stemLayer(int outChannels, int kernelSize, int stride) {
      return stemLayer(new StemLayer(outChannels, kernelSize, stride));
    }

    /** Appends a stem layer. */
    @CanIgnoreReturnValue
    public Builder stemLayer(StemLayer layer) {
      checkNotNull(layer, "layer");
      checkArgument(
          layer.outChannels() <= MAX_CHANNELS,
          "stem out channels must be at most %s, got %s",
          MAX_CHANNELS,
          layer.outChannels());
      stem.add(layer);
      return this;
    }

    /** Replaces the stem layers (an empty list removes the stem). */
    @CanIgnoreReturnValue
    public Builder stem(Iterable<StemLayer> layers) {
      List<StemLayer> copy = ImmutableList.copyOf(layers);
      stem.clear();
      copy.forEach(this::stemLayer);
      return this;
    }

    /**
     * Appends a multi-branch stage: branch {@code i} gets {@code blocks.get(i)} blocks of {@code
     * channels.get(i)} channels.
     *
     * @throws IllegalStateException if chain stages were added
     */
    @CanIgnoreReturnValue
    public Builder stage(List<Integer> blocks, List<Integer> channels) {
      return stage(StageSpec.of(blocks, channels));
    }

    /**
     * Appends a multi-branch stage.
     *
     * @throws IllegalStateException if chain stages were added
     */
    @CanIgnoreReturnValue
    public Builder stage(StageSpec spec) {
      checkNotNull(spec, "stage");
      checkState(
          chain.isEmpty(),
          "this builder already has chain stages; a space is either multi-branch stages "
              + "or a chain: call clearBody() first to switch");
      stages.add(spec);
      return this;
    }

    /**
     * Appends a chain stage of {@code blocks} blocks with {@code outChannels} outputs, the first
     * with {@code stride}.
     *
     * @throws IllegalStateException if multi-branch stages were added
     */
    @CanIgnoreReturnValue
    public Builder chainStage(int outChannels, int blocks, int stride) {
      return chainStage(new ChainStage(outChannels, blocks, stride));
    }

    /**
     * Appends a chain stage.
     *
     * @throws IllegalStateException if multi-branch stages were added
     */
    @CanIgnoreReturnValue
    public Builder chainStage(ChainStage spec) {
      checkNotNull(spec, "chainStage");
      checkState(
          stages.isEmpty(),
          "this builder already has multi-branch stages; a space is either multi-branch "
              + "stages or a chain: call clearBody() first to switch");
      chain.add(spec);
      return this;
    }

    /** Removes every stage and chain stage. */
    @CanIgnoreReturnValue
    public Builder clearBody() {
      stages.clear();
      chain.clear();
      return this;
    }

    /** Sets the searchable block. */
    @CanIgnoreReturnValue
    public Builder block(BlockSpec spec) {
      this.block = checkNotNull(spec, "block");
      return this;
    }

    /** Sets the blocks' kernel sizes, one path each, keeping the expand ratio and activation. */
    @CanIgnoreReturnValue
    public Builder kernelSizes(int... sizes) {
      return block(block.withKernelSizes(sizes));
    }

    /** Sets the blocks' expand ratio, keeping kernel sizes and activation. */
    @CanIgnoreReturnValue
    public Builder expandRatio(double ratio) {
      return block(block.withExpandRatio(ratio));
    }

    /** Sets the network-wide activation. */
    @CanIgnoreReturnValue
    public Builder activation(ActivationKind kind) {
      return block(block.withActivation(checkNotNull(kind, "activation")));
    }

    /** Sets the BatchNorm momentum (PyTorch convention) and epsilon. */
    @CanIgnoreReturnValue
    public Builder batchNorm(double momentum, double epsilon) {
      return batchNorm(new BatchNormSpec(momentum, epsilon));
    }

    /** Sets the BatchNorm settings. */
    @CanIgnoreReturnValue
    public Builder batchNorm(BatchNormSpec spec) {
      this.batchNorm = checkNotNull(spec, "batchNorm");
      return this;
    }

    /** Sets the head. */
    @CanIgnoreReturnValue
    public Builder head(HeadSpec spec) {
      this.head = checkNotNull(spec, "head");
      return this;
    }

    /**
     * Sets a classification head: per-branch head channels (empty: none), the last 1x1 conv's
     * width, dropout and classes.
     */
    @CanIgnoreReturnValue
    public Builder classificationHead(
        List<Integer> headChannels, int lastChannel, double dropout, int numClasses) {
      return head(ClassificationHead.of(headChannels, lastChannel, dropout, numClasses));
    }

    /** Sets a dense-prediction head: the transform block's width and the output maps. */
    @CanIgnoreReturnValue
    public Builder denseHead(int lastChannel, int numClasses) {
      return head(new DenseHead(lastChannel, numClasses));
    }

    /**
     * Validates everything and builds the space (and its layout).
     *
     * @throws IllegalStateException if the input, the body or the head is missing
     * @throws IllegalArgumentException if the parts do not fit together (branch counts that drop,
     *     head channels that do not match the branches, a block with no hidden channels, a supernet
     *     too large to count)
     */
    public SearchSpace build() {
      checkState(input != null, "the input must be set; call input(channels, height, width)");
      checkState(
          !stages.isEmpty() || !chain.isEmpty(),
          "the space needs a body: add multi-branch stages with stage(blocks, channels) or a"
              + " single-branch chain with chainStage(outChannels, blocks, stride)");
      checkState(
          head != null,
          "the head must be set; call classificationHead(headChannels, lastChannel, dropout, "
              + "numClasses) or denseHead(lastChannel, numClasses)");
      return new SearchSpace(this);
    }
  }
}
