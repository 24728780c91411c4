package dev.supertickets.elastic;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.testing.TicketArbitraries;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Elastic transformations of random chain tickets (random cuts, random masks at random sparsities,
 * random weights and BN statistics) on small ResNet-style spaces: stretch then squeeze and the
 * identity mapping give the ticket back bit for bit, every target block is its source block, and
 * replicating every non-first block equally keeps each stage's sparsity.
 */
class ElasticProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  /** A tiny ResNet-style space for 12x12 inputs, to keep a try fast. */
  private static SearchSpace space(int depth, int width) {
    SearchSpace s = SearchSpaces.resnetStyle28(depth, width);
    return s.withInputSize(12, 12);
  }

  /** Tickets of ResNet-14 and ResNet-20-style spaces (2 or 3 blocks per stage) of widths 2 to 4. */
  @Provide
  Arbitrary<SuperTicket> tickets() {
    return Combinators.combine(Arbitraries.of(14, 20), Arbitraries.integers().between(2, 4))
        .as(ElasticProperties::space)
        .flatMap(ElasticProperties::randomTickets);
  }

  /** Tickets of a space with 3 blocks per stage, the most {@link #mappings()} reads. */
  @Provide
  Arbitrary<SuperTicket> threeBlockTickets() {
    return randomTickets(chain(3));
  }

  private static Arbitrary<SuperTicket> randomTickets(SearchSpace space) {
    return Combinators.combine(TicketArbitraries.tickets(space), Arbitraries.longs())
        .as(ElasticProperties::withRandomStatistics);
  }

  @Property(tries = 12)
  void stretchThenSqueezeGivesTheTicketBack(
      @ForAll("tickets") SuperTicket source, @ForAll @IntRange(min = 1, max = 3) int deeper) {
    SearchSpace target = chain(source.space(), source.space().chain().get(0).blocks() + deeper);
    SuperTicket stretched = ElasticTickets.stretch(source, target);
    SuperTicket back = ElasticTickets.squeeze(stretched, source.space());
    assertSameTicket(back, source);
    assertThat(back.provenance().get("source.method")).isEqualTo("elastic");
    assertThat(back.provenance().get("source.source.method")).isEqualTo("arbitrary");
  }

  @Property(tries = 10)
  void theIdentityMappingIsTheIdentity(@ForAll("tickets") SuperTicket source) {
    int blocks = source.space().chain().get(0).blocks();
    SuperTicket same =
        ElasticTickets.transform(source, source.space(), BlockMapping.identity(blocks));
    assertSameTicket(same, source);
    assertSameTicket(ElasticTickets.stretch(source, source.space()), source);
    assertThat(same.provenance().get("elastic.mapping"))
        .isEqualTo(BlockMapping.identity(blocks).toString());
  }

  /**
   * A random valid mapping per stage from a stage of 1 to 3 blocks to one of 1 to 6 (the same
   * counts in every stage): every target block {@code t > 0} copies a random non-first source
   * block; unnamed sources are dropped.
   */
  @Provide
  Arbitrary<List<BlockMapping>> mappings() {
    return Arbitraries.randomValue(
        random -> {
          List<BlockMapping> perStage = new ArrayList<>();
          int sourceBlocks = 1 + random.nextInt(3);
          int targetBlocks = sourceBlocks == 1 ? 1 : 1 + random.nextInt(6);
          for (int s = 0; s < 3; s++) {
            TreeMap<Integer, List<Integer>> m = new TreeMap<>();
            m.put(0, List.of(0));
            for (int t = 1; t < targetBlocks; t++) {
              m.computeIfAbsent(1 + random.nextInt(sourceBlocks - 1), k -> new ArrayList<>())
                  .add(t);
            }
            StringBuilder text = new StringBuilder();
            m.forEach(
                (k, v) ->
                    text.append(text.length() == 0 ? "" : ";")
                        .append(k)
                        .append(':')
                        .append(String.join(",", v.stream().map(String::valueOf).toList())));
            perStage.add(BlockMapping.parse(text.toString()));
          }
          return List.copyOf(perStage);
        });
  }

  @Property(tries = 12)
  void everyTargetBlockIsItsSourceBlock(
      @ForAll("mappings") List<BlockMapping> perStage,
      @ForAll("threeBlockTickets") SuperTicket source) {
    SearchSpace to = chain(perStage.get(0).sourceOf().size());
    SuperTicket target = ElasticTickets.transform(source, to, perStage);
    assertThat(target.space()).isEqualTo(to);
    for (int s = 0; s < 3; s++) {
      for (Map.Entry<Integer, Integer> e : perStage.get(s).sourceOf().entrySet()) {
        String t = "stage" + s + ".block" + e.getKey();
        String f = "stage" + s + ".block" + e.getValue();
        assertThat(target.architecture().of(t)).as(t).isEqualTo(source.architecture().of(f));
        assertSameArrays(entriesOf(target.state(), t), entriesOf(source.state(), f), t);
      }
    }
    assertSameArrays(outsideBlocks(target.state()), outsideBlocks(source.state()), "stem and head");
    assertThat(target.network().blocks().keySet())
        .containsExactlyElementsOf(to.blocks().stream().map(b -> b.name()).toList());
  }

  @Property(tries = 10)
  void replicatingEveryNonFirstBlockEquallyKeepsEachStagesSparsity(
      @ForAll("tickets") SuperTicket source, @ForAll @IntRange(min = 2, max = 3) int copies) {
    int blocks = source.space().chain().get(0).blocks();
    int targetBlocks = 1 + copies * (blocks - 1);
    SearchSpace target = chain(source.space(), targetBlocks);
    SuperTicket stretched = ElasticTickets.stretch(source, target);
    assertThat(stretched.sparsity())
        .isEqualTo(Double.parseDouble(stretched.provenance().get("elastic.sparsity")));
    for (int s = 0; s < 3; s++) {
      long[] first = counts(source.state(), s, 0, 1);
      long[] rest = counts(source.state(), s, 1, blocks);
      long[] stretchedRest = counts(stretched.state(), s, 1, targetBlocks);
      long[] stretchedStage = counts(stretched.state(), s, 0, targetBlocks);
      // pruned and total counts of the replicable blocks both scale by the number of copies
      assertThat(stretchedRest)
          .as("stage %s", s)
          .containsExactly(copies * rest[0], copies * rest[1]);
      assertThat(stretchedStage)
          .containsExactly(first[0] + copies * rest[0], first[1] + copies * rest[1]);
      if (rest[1] > 0) {
        assertThat((double) stretchedRest[0] / stretchedRest[1])
            .isEqualTo((double) rest[0] / rest[1]);
      }
    }
  }

  @Property(tries = 50)
  void theDefaultStretchCoversTheTargetAndSpreadsCopiesEvenly(
      @ForAll @IntRange(min = 2, max = 12) int source,
      @ForAll @IntRange(min = 0, max = 40) int extra) {
    BlockMapping m = BlockMapping.stretch(source, source + extra);
    m.checkFits(source, source + extra);
    assertThat(m.targets(0)).containsExactly(0);
    int[] copies = new int[source];
    for (int s = 1; s < source; s++) {
      copies[s] = m.targets(s).size();
      assertThat(m.targets(s).get(0))
          .isEqualTo(s); // appending: the source blocks keep their places
    }
    int min = Arrays.stream(copies, 1, source).min().orElseThrow();
    int max = Arrays.stream(copies, 1, source).max().orElseThrow();
    assertThat(max - min).isLessThanOrEqualTo(1);
    for (int s = 2; s < source; s++) {
      assertThat(copies[s]).isLessThanOrEqualTo(copies[s - 1]); // earlier blocks first
    }
    assertThat(BlockMapping.parse(m.toString())).isEqualTo(m);
    assertThat(m.equals(BlockMapping.identity(source))).isEqualTo(extra == 0);
  }

  // --- helpers

  private static SearchSpace chain(int blocks) {
    return chain(space(20, 3), blocks);
  }

  /**
   * {@code space} with {@code blocks} blocks in every chain stage (same name rule as the family).
   */
  private static SearchSpace chain(SearchSpace space, int blocks) {
    SearchSpace.Builder b = space.toBuilder().clearBody().name("chain-" + blocks);
    space.chain().forEach(c -> b.chainStage(c.outChannels(), blocks, c.stride()));
    return b.build();
  }

  /** {@code ticket} with BN running statistics drawn at random, so that copying them is visible. */
  private static SuperTicket withRandomStatistics(SuperTicket ticket, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ImmutableMap.Builder<String, INDArray> stats = ImmutableMap.builder();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      ticket
          .state()
          .stats()
          .forEach(
              (k, v) -> {
                float[] x = new float[(int) v.length()];
                for (int i = 0; i < x.length; i++) {
                  x[i] =
                      k.endsWith("running_var")
                          ? 0.5f + (float) random.nextDouble()
                          : (float) random.nextGaussian();
                }
                stats.put(k, x.length == 0 ? v.dup() : Nd4j.create(x, v.shape(), 'c').detach());
              });
    }
    NetworkState s = ticket.state();
    return ticket.withState(
        new NetworkState(s.values(), s.masks(), stats.buildOrThrow()), Map.of());
  }

  private static void assertSameTicket(SuperTicket actual, SuperTicket expected) {
    assertThat(actual.space()).isEqualTo(expected.space());
    assertThat(actual.architecture()).isEqualTo(expected.architecture());
    assertSameArrays(actual.state().values(), expected.state().values(), "values");
    assertSameArrays(actual.state().masks(), expected.state().masks(), "masks");
    assertSameArrays(actual.state().stats(), expected.state().stats(), "statistics");
    assertThat(actual.sparsity()).isEqualTo(expected.sparsity());
    INDArray images = images(expected.space(), 3);
    assertThat(actual.predict(images).data().asFloat())
        .as("predictions")
        .containsExactly(expected.predict(images).data().asFloat());
  }

  private static void assertSameArrays(
      Map<String, INDArray> actual, Map<String, INDArray> expected, String what) {
    assertThat(actual.keySet()).as(what).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach(
        (k, v) -> {
          INDArray a = actual.get(k);
          assertThat(a.shape()).as("%s %s", what, k).containsExactly(v.shape());
          assertThat(a.dataType()).as("%s %s", what, k).isEqualTo(v.dataType());
          if (v.length() > 0) {
            assertThat(a.data().asFloat()).as("%s %s", what, k).containsExactly(v.data().asFloat());
          }
        });
  }

  /** The entries of one block, keyed by the rest of the name after the block's. */
  private static Map<String, INDArray> entriesOf(NetworkState state, String block) {
    Map<String, INDArray> out = new TreeMap<>();
    for (Map<String, INDArray> m : List.of(state.values(), state.stats())) {
      m.forEach(
          (k, v) -> {
            if (k.startsWith(block + ".")) {
              out.put(k.substring(block.length()), v);
            }
          });
    }
    state
        .masks()
        .forEach(
            (k, v) -> {
              if (k.startsWith(block + ".")) {
                out.put("mask:" + k.substring(block.length()), v);
              }
            });
    return out;
  }

  private static Map<String, INDArray> outsideBlocks(NetworkState state) {
    Map<String, INDArray> out = new TreeMap<>();
    state.values().forEach((k, v) -> put(out, k, v, ""));
    state.stats().forEach((k, v) -> put(out, k, v, ""));
    state.masks().forEach((k, v) -> put(out, k, v, "mask:"));
    return out;
  }

  private static void put(Map<String, INDArray> out, String key, INDArray v, String prefix) {
    if (!key.startsWith("stage")) {
      out.put(prefix + key, v);
    }
  }

  /** Pruned and total mask entries of blocks {@code [from, to)} of chain stage {@code stage}. */
  private static long[] counts(NetworkState state, int stage, int from, int to) {
    long pruned = 0;
    long total = 0;
    for (Map.Entry<String, INDArray> e : state.masks().entrySet()) {
      for (int b = from; b < to; b++) {
        if (e.getKey().startsWith("stage" + stage + ".block" + b + ".")) {
          total += e.getValue().length();
          pruned += e.getValue().length() - Math.round(e.getValue().sumNumber().doubleValue());
        }
      }
    }
    return new long[] {pruned, total};
  }

  private static INDArray images(SearchSpace space, int n) {
    SplittableRandom random = new SplittableRandom(7);
    var in = space.input();
    float[] x = new float[n * in.height() * in.width() * in.channels()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble();
    }
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      return Nd4j.create(x, new long[] {n, in.height(), in.width(), in.channels()}, 'c').detach();
    }
  }
}
