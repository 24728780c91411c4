package dev.supertickets.testing;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Ranking;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Modules;
import dev.supertickets.space.ActivationKind;
import dev.supertickets.space.BatchNormSpec;
import dev.supertickets.space.BlockSpec;
import dev.supertickets.space.ChainStage;
import dev.supertickets.space.ClassificationHead;
import dev.supertickets.space.DenseHead;
import dev.supertickets.space.HeadSpec;
import dev.supertickets.space.InputSpec;
import dev.supertickets.space.PathSpec;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.space.StageSpec;
import dev.supertickets.space.StemLayer;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * jqwik arbitraries for property tests of tickets: small valid search spaces, random cuts of a
 * space, sparsities, binary masks with exact counts, and whole (untrained, randomly pruned)
 * tickets. Everything is kept small so that a property with a hundred tries runs in seconds.
 *
 * <pre>{@code
 * @Property
 * void masksHaveExactCounts(@ForAll("masks") INDArray mask) { ... }
 *
 * @Provide
 * Arbitrary<INDArray> masks() {
 *   return TicketArbitraries.masks(new int[] {3, 3, 4, 8}, 0.9);
 * }
 * }</pre>
 */
public final class TicketArbitraries {
  /** The largest input height and width of {@link #searchSpaces()}. */
  public static final int DEFAULT_MAX_INPUT_SIZE = 28;

  /** The largest channel count of {@link #searchSpaces()}. */
  public static final int DEFAULT_MAX_CHANNELS = 16;

  /**
   * The largest channel count {@link #searchSpaces(int, int)} accepts (expanded, it stays within a
   * space's limit).
   */
  public static final int MAX_CHANNELS = 1024;

  private static final int MAX_MASK_DIMENSION = 6;
  private static final int TICKET_INPUT_SIZE = 12;
  private static final int TICKET_CHANNELS = 8;

  private TicketArbitraries() {}

  /**
   * Valid spaces with inputs up to 28x28 and up to 16 channels per layer: {@link #searchSpaces(int,
   * int) searchSpaces(28, 16)}.
   */
  public static Arbitrary<SearchSpace> searchSpaces() {
    return searchSpaces(DEFAULT_MAX_INPUT_SIZE, DEFAULT_MAX_CHANNELS);
  }

  /**
   * Valid spaces, multi-branch and chain about half each: 1 to 4 input channels, height and width 1
   * to {@code maxInputSize}; 0 to 3 stem layers; 1 to 4 HR-NAS stages of 1 to 4 (never fewer)
   * branches with 0 to 2 blocks each, or 1 to 4 chain stages; 1 to {@code maxChannels} channels per
   * layer; 1 to 4 distinct kernels of {1, 3, 5, 7}, expand ratios in [0.75, 6] (arbitrary doubles
   * too), either activation, random BN settings; classification (with or without head channels) or
   * dense heads with up to 20 classes; and names of any characters, surrogates and control
   * characters included, so that code which stores names is exercised.
   */
  public static Arbitrary<SearchSpace> searchSpaces(int maxInputSize, int maxChannels) {
    checkArgument(
        maxInputSize >= 1 && maxInputSize <= SearchSpace.MAX_INPUT_SIZE,
        "max input size must be in [1, %s], got %s",
        SearchSpace.MAX_INPUT_SIZE,
        maxInputSize);
    checkArgument(
        maxChannels >= 1 && maxChannels <= MAX_CHANNELS,
        "max channels must be in [1, %s], got %s",
        MAX_CHANNELS,
        maxChannels);
    return Arbitraries.oneOf(
        multiBranchSpaces(maxInputSize, maxChannels), chainSpaces(maxInputSize, maxChannels));
  }

  /**
   * Random cuts of {@code space}'s supernet: every path of every block keeps 0 to its full hidden
   * width (both ends are edge cases, so the full supernet and the fully cut one come up).
   */
  public static Arbitrary<Architecture> architectures(SearchSpace space) {
    checkNotNull(space, "search space must not be null");
    List<String> names = new ArrayList<>();
    List<Arbitrary<Integer>> widths = new ArrayList<>();
    for (SearchableBlock b : space.blocks()) {
      names.add(b.name());
      for (PathSpec p : b.paths()) {
        widths.add(Arbitraries.integers().between(0, p.hiddenChannels()));
      }
    }
    if (widths.isEmpty()) {
      return Arbitraries.just(Architecture.full(space));
    }
    return Combinators.combine(widths)
        .as(
            all -> {
              ImmutableMap.Builder<String, ImmutableList<Integer>> hidden = ImmutableMap.builder();
              int next = 0;
              for (int i = 0; i < names.size(); i++) {
                int paths = space.blocks().get(i).paths().size();
                hidden.put(names.get(i), ImmutableList.copyOf(all.subList(next, next + paths)));
                next += paths;
              }
              return new Architecture(hidden.buildOrThrow());
            });
  }

  /**
   * Sparsities in [0, 1) with three decimals (0 and 0.999 included), the range every mask policy
   * accepts.
   */
  public static Arbitrary<Double> sparsities() {
    return Arbitraries.doubles().between(0, true, 1, false).ofScale(3);
  }

  /** Shapes of rank 1 to 4 with 1 to 6 entries per dimension (up to 1,296 weights). */
  public static Arbitrary<int[]> maskShapes() {
    return Arbitraries.integers()
        .between(1, MAX_MASK_DIMENSION)
        .array(int[].class)
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  /**
   * Float masks of {@code shape} with exactly {@link Ranking#pruneCount}{@code (sparsity, n)} zeros
   * (the count the mask policies prune) at random positions, ones elsewhere. Shrinks towards the
   * zeros coming first.
   */
  public static Arbitrary<INDArray> masks(int[] shape, double sparsity) {
    checkArgument(sparsity >= 0 && sparsity < 1, "sparsity must be in [0, 1), got %s", sparsity);
    long n = length(shape);
    return masksWithZeros(shape, Ranking.pruneCount(sparsity, n));
  }

  /**
   * Float masks of {@code shape} with any number of zeros, from none to all, at random positions.
   */
  public static Arbitrary<INDArray> masks(int... shape) {
    int n = Math.toIntExact(length(shape));
    int[] copy = shape.clone();
    return Arbitraries.integers().between(0, n).flatMap(k -> masksWithZeros(copy, k));
  }

  /**
   * Untrained tickets of {@code space}: a random cut ({@link #architectures}), weights initialised
   * from a random seed, then random masks at a random sparsity ({@link #sparsities}) over the
   * prunable weights (none when the cut leaves no prunable weight). Identity normalisation. Each
   * one builds a network, so keep spaces small.
   */
  public static Arbitrary<SuperTicket> tickets(SearchSpace space) {
    checkNotNull(space, "search space must not be null");
    return Combinators.combine(architectures(space), Arbitraries.longs(), sparsities())
        .as((arch, seed, sparsity) -> ticket(space, arch, seed, sparsity));
  }

  /**
   * Untrained tickets ({@link #tickets(SearchSpace)}) of spaces with inputs up to 12x12 and up to 8
   * channels.
   */
  public static Arbitrary<SuperTicket> tickets() {
    return searchSpaces(TICKET_INPUT_SIZE, TICKET_CHANNELS).flatMap(TicketArbitraries::tickets);
  }

  /**
   * {@code ticket} with every batch norm's scale, shift and running statistics drawn away from
   * their initial values (scale U(0.5, 1.5), shift N(0, 0.3²), mean N(0, 0.5²), variance U(0.5,
   * 2)), as training leaves them. At initialisation a batch norm is nearly the identity, under
   * which a test of inference code (serving forms, export, folding) could pass with the statistics
   * ignored.
   */
  public static SuperTicket withTrainedStatistics(SuperTicket ticket, long seed) {
    checkNotNull(ticket, "ticket must not be null");
    Backend.init();
    Supernet net = ticket.network();
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5eed);
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (BatchNorm bn : Modules.ofType(net, BatchNorm.class)) {
        int c = bn.channels();
        bn.gamma().value().assign(Tensors.uniform(rng, 0.5, 1.5, DataType.FLOAT, 1, c));
        bn.beta().value().assign(Tensors.gaussian(rng, 0.3, DataType.FLOAT, 1, c));
        bn.setRunningStats(
            Tensors.gaussian(rng, 0.5, DataType.FLOAT, 1, c),
            Tensors.uniform(rng, 0.5, 2, DataType.FLOAT, 1, c));
      }
    }
    return SuperTicket.of(net, ticket.normalization(), ticket.provenance());
  }

  private static SuperTicket ticket(
      SearchSpace space, Architecture arch, long seed, double sparsity) {
    Backend.init();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      HrSupernet net = new HrSupernet(space, arch, new SplittableRandom(seed), DataType.FLOAT);
      boolean prunable = net.params().stream().anyMatch(Selector.prunableWeights()::matches);
      if (prunable && sparsity > 0) {
        MaskContext context = MaskContext.builder(net).seed(seed).build();
        Masks.install(MaskPolicies.random(seed).masks(context, sparsity));
      }
      return SuperTicket.of(
          net,
          Normalization.identity(space.input().channels()),
          Provenance.of(Map.of("method", "arbitrary", "seed", seed, "sparsity", sparsity)));
    }
  }

  private static Arbitrary<INDArray> masksWithZeros(int[] shape, long zeros) {
    int n = Math.toIntExact(length(shape));
    long[] dims = IntStream.of(shape).asLongStream().toArray();
    List<Integer> order = IntStream.range(0, n).boxed().toList();
    return Arbitraries.shuffle(order)
        .map(
            positions -> {
              float[] m = new float[n];
              java.util.Arrays.fill(m, 1f);
              for (int i = 0; i < zeros; i++) {
                m[positions.get(i)] = 0f;
              }
              Backend.init();
              try (MemoryWorkspace ignored = Workspaces.outside()) {
                return Nd4j.create(m, dims, 'c').detach();
              }
            });
  }

  private static long length(int[] shape) {
    checkNotNull(shape, "shape must not be null");
    checkArgument(shape.length >= 1, "shape must have at least one dimension");
    long n = 1;
    for (int d : shape) {
      checkArgument(
          d >= 1, "every dimension must be positive, got %s", java.util.Arrays.toString(shape));
      n = Math.multiplyExact(n, d);
    }
    checkArgument(n <= Integer.MAX_VALUE, "a mask of %s entries is too large to generate", n);
    return n;
  }

  private static Arbitrary<SearchSpace> multiBranchSpaces(int maxInput, int maxChannels) {
    Arbitrary<List<StageSpec>> stages =
        Arbitraries.integers()
            .between(1, 4)
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(branches -> branches.stream().sorted().toList())
            .flatMap(
                branches ->
                    Combinators.combine(branches.stream().map(b -> stage(b, maxChannels)).toList())
                        .as(list -> list));
    return stages.flatMap(
        body ->
            common(maxInput, maxChannels)
                .flatMap(
                    b ->
                        head(body.get(body.size() - 1).branches(), maxChannels)
                            .map(
                                h -> {
                                  SearchSpace.Builder copy = b.get();
                                  body.forEach(copy::stage);
                                  return copy.head(h).build();
                                })));
  }

  private static Arbitrary<SearchSpace> chainSpaces(int maxInput, int maxChannels) {
    Arbitrary<ChainStage> chainStage =
        Combinators.combine(
                Arbitraries.integers().between(1, maxChannels),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 2))
            .as(ChainStage::new);
    return Combinators.combine(
            chainStage.list().ofMinSize(1).ofMaxSize(4),
            common(maxInput, maxChannels),
            head(1, maxChannels))
        .as(
            (body, b, h) -> {
              SearchSpace.Builder copy = b.get();
              body.forEach(copy::chainStage);
              return copy.head(h).build();
            });
  }

  private static Arbitrary<StageSpec> stage(int branches, int maxChannels) {
    return Combinators.combine(
            Arbitraries.integers().between(0, 2).list().ofSize(branches),
            Arbitraries.integers().between(1, maxChannels).list().ofSize(branches))
        .as(StageSpec::of);
  }

  private static Arbitrary<HeadSpec> head(int branches, int maxChannels) {
    Arbitrary<List<Integer>> headChannels =
        Arbitraries.oneOf(
            Arbitraries.just(List.of()),
            Arbitraries.integers().between(1, maxChannels).list().ofSize(branches));
    Arbitrary<HeadSpec> classification =
        Combinators.combine(
                headChannels,
                Arbitraries.integers().between(1, 2 * maxChannels),
                Arbitraries.doubles().between(0, 0.9),
                Arbitraries.integers().between(1, 20))
            .as(ClassificationHead::of);
    Arbitrary<HeadSpec> dense =
        Combinators.combine(
                Arbitraries.integers().between(1, 2 * maxChannels),
                Arbitraries.integers().between(1, 20))
            .as(DenseHead::new);
    return Arbitraries.oneOf(classification, dense);
  }

  private static Arbitrary<BlockSpec> blockSpecs() {
    Arbitrary<List<Integer>> kernels =
        Arbitraries.of(1, 3, 5, 7).list().uniqueElements().ofMinSize(1).ofMaxSize(4);
    Arbitrary<Double> expand =
        Arbitraries.oneOf(
            Arbitraries.of(1.0, 2.0, 4.0, 6.0, 2.5),
            Arbitraries.doubles().between(0.75, 6).ofScale(16));
    return Combinators.combine(kernels, expand, Arbitraries.of(ActivationKind.class))
        .as(BlockSpec::of);
  }

  private static Arbitrary<String> names() {
    return Arbitraries.oneOf(
        Arbitraries.of("tiny", "hr-nas", "x"),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12).filter(s -> !s.isBlank()));
  }

  /** Everything but the body and the head, as a fresh builder each time it is asked for. */
  private static Arbitrary<Supplier<SearchSpace.Builder>> common(int maxInput, int maxChannels) {
    Arbitrary<InputSpec> input =
        Combinators.combine(
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, maxInput),
                Arbitraries.integers().between(1, maxInput))
            .as(InputSpec::new);
    Arbitrary<StemLayer> stemLayer =
        Combinators.combine(
                Arbitraries.integers().between(1, maxChannels),
                Arbitraries.of(1, 3, 5),
                Arbitraries.integers().between(1, 2))
            .as(StemLayer::new);
    Arbitrary<BatchNormSpec> bn =
        Arbitraries.oneOf(
            Arbitraries.just(BatchNormSpec.DEFAULT),
            Combinators.combine(
                    Arbitraries.doubles().between(1e-4, 1).ofScale(12),
                    Arbitraries.doubles().between(1e-8, 0.1).ofScale(14))
                .as(BatchNormSpec::new));
    return Combinators.combine(names(), input, stemLayer.list().ofMaxSize(3), blockSpecs(), bn)
        .as(
            (name, in, stem, block, norm) ->
                () -> {
                  SearchSpace.Builder b =
                      SearchSpace.builder().name(name).input(in).block(block).batchNorm(norm);
                  new ArrayList<>(stem).forEach(b::stemLayer);
                  return b;
                });
  }
}
