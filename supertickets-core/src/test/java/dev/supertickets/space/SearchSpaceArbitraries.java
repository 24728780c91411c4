package dev.supertickets.space;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries of small, valid, random search spaces: multi-branch or chain bodies, random stems, kernel
 * sets, expand ratios (arbitrary doubles, to exercise exact JSON numbers), activations, BN settings, heads and
 * names (any characters, to exercise JSON escaping). Inputs stay at most 40x40 and channels at most 24 so that
 * counting is instant.
 */
public final class SearchSpaceArbitraries {
  private SearchSpaceArbitraries() {}

  /** Multi-branch and chain spaces, about half each. */
  public static Arbitrary<SearchSpace> searchSpaces() {
    return Arbitraries.oneOf(multiBranchSpaces(), chainSpaces());
  }

  /** Spaces with one to four HR-NAS stages of one to four (never fewer) branches. */
  public static Arbitrary<SearchSpace> multiBranchSpaces() {
    Arbitrary<List<StageSpec>> stages = Arbitraries.integers().between(1, 4).list().ofMinSize(1).ofMaxSize(4)
        .map(branches -> branches.stream().sorted().toList())
        .flatMap(branches -> Combinators.combine(branches.stream().map(SearchSpaceArbitraries::stage).toList())
            .as(list -> list));
    return stages.flatMap(body -> common().flatMap(
        b -> head(body.get(body.size() - 1).branches()).map(h -> {
          SearchSpace.Builder copy = b.get();
          body.forEach(copy::stage);
          return copy.head(h).build();
        })));
  }

  /** Spaces with one to four chain stages. */
  public static Arbitrary<SearchSpace> chainSpaces() {
    Arbitrary<ChainStage> chainStage = Combinators.combine(Arbitraries.integers().between(1, 24),
        Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 2)).as(ChainStage::new);
    return Combinators.combine(chainStage.list().ofMinSize(1).ofMaxSize(4), common(), head(1)).as((body, b, h) -> {
      SearchSpace.Builder copy = b.get();
      body.forEach(copy::chainStage);
      return copy.head(h).build();
    });
  }

  /** A stage of the given number of branches with 0 to 2 blocks and 1 to 24 channels per branch. */
  public static Arbitrary<StageSpec> stage(int branches) {
    return Combinators.combine(Arbitraries.integers().between(0, 2).list().ofSize(branches),
        Arbitraries.integers().between(1, 24).list().ofSize(branches)).as(StageSpec::of);
  }

  /** Classification (with or without head channels) or dense heads for a body with this many final branches. */
  public static Arbitrary<HeadSpec> head(int branches) {
    Arbitrary<List<Integer>> headChannels = Arbitraries.oneOf(Arbitraries.just(List.of()),
        Arbitraries.integers().between(1, 24).list().ofSize(branches));
    Arbitrary<HeadSpec> classification = Combinators.combine(headChannels, Arbitraries.integers().between(1, 48),
        Arbitraries.doubles().between(0, 0.9), Arbitraries.integers().between(1, 20)).as(ClassificationHead::of);
    Arbitrary<HeadSpec> dense = Combinators.combine(Arbitraries.integers().between(1, 48),
        Arbitraries.integers().between(1, 20)).as(DenseHead::new);
    return Arbitraries.oneOf(classification, dense);
  }

  /** Block specs with 1 to 4 distinct kernels of {1, 3, 5, 7} and expand ratios in [0.75, 6]. */
  public static Arbitrary<BlockSpec> blockSpecs() {
    Arbitrary<List<Integer>> kernels = Arbitraries.of(1, 3, 5, 7).list().uniqueElements().ofMinSize(1).ofMaxSize(4);
    Arbitrary<Double> expand = Arbitraries.oneOf(Arbitraries.of(1.0, 2.0, 4.0, 6.0, 2.5),
        Arbitraries.doubles().between(0.75, 6).ofScale(16));
    return Combinators.combine(kernels, expand, Arbitraries.of(ActivationKind.class)).as(BlockSpec::of);
  }

  /** Names of any characters (surrogates and control characters included), not blank. */
  public static Arbitrary<String> names() {
    return Arbitraries.oneOf(Arbitraries.of("tiny", "hr-nas", "x"),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12).filter(s -> !s.isBlank()));
  }

  /** Everything but the body and the head, as a fresh builder each time it is asked for. */
  private static Arbitrary<java.util.function.Supplier<SearchSpace.Builder>> common() {
    Arbitrary<InputSpec> input = Combinators.combine(Arbitraries.integers().between(1, 4),
        Arbitraries.integers().between(1, 40), Arbitraries.integers().between(1, 40)).as(InputSpec::new);
    Arbitrary<StemLayer> stemLayer = Combinators.combine(Arbitraries.integers().between(1, 24),
        Arbitraries.of(1, 3, 5), Arbitraries.integers().between(1, 2)).as(StemLayer::new);
    Arbitrary<BatchNormSpec> bn = Arbitraries.oneOf(Arbitraries.just(BatchNormSpec.DEFAULT),
        Combinators.combine(Arbitraries.doubles().between(1e-4, 1).ofScale(12),
            Arbitraries.doubles().between(1e-8, 0.1).ofScale(14))
            .as(BatchNormSpec::new));
    return Combinators.combine(names(), input, stemLayer.list().ofMaxSize(3), blockSpecs(), bn)
        .as((name, in, stem, block, norm) -> () -> {
          SearchSpace.Builder b = SearchSpace.builder().name(name).input(in).block(block).batchNorm(norm);
          new ArrayList<>(stem).forEach(b::stemLayer);
          return b;
        });
  }
}
