package dev.supertickets.bench;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.ClassificationHead;
import dev.supertickets.space.PathSpec;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.space.StageSpec;
import dev.supertickets.space.StemLayer;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

/**
 * The networks the rows time, built from a {@link SearchSpace} through the library's own API: the
 * supernet, its 50%-magnitude-masked form, cut architectures, a compacted ticket and width-scaled
 * spaces; and their dense MACs (from {@link SearchSpace#cost()} and {@link
 * PathSpec#macsPerChannel()}, so no network has to be built to count).
 */
final class Models {
  /** Magnitude sparsity of the masked supernet and of the ticket. */
  static final double MASK_SPARSITY = 0.5;

  private Models() {}

  /**
   * The supernet of {@code arch} in {@code space}, unmasked, in float, from the seed's "init"
   * stream.
   */
  static Supernet network(SearchSpace space, Architecture arch, long seed) {
    Backend.init();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      return new HrSupernet(space, arch, new RandomStreams(seed).stream("init"), DataType.FLOAT);
    }
  }

  /**
   * The whole supernet with global magnitude masks at {@link #MASK_SPARSITY} (the classifier is not
   * masked).
   */
  static Supernet masked(SearchSpace space, long seed) {
    return maskedTicket(space, Architecture.full(space), seed).network();
  }

  /**
   * A ticket of {@code arch} in {@code space}: initial weights, magnitude masks at {@link
   * #MASK_SPARSITY}.
   */
  static SuperTicket maskedTicket(SearchSpace space, Architecture arch, long seed) {
    return maskedTicket(space, arch, seed, MASK_SPARSITY);
  }

  /**
   * A ticket of {@code arch} in {@code space}: initial weights, global magnitude masks
   * (unstructured) pruning {@code sparsity} of the prunable weights.
   */
  static SuperTicket maskedTicket(
      SearchSpace space, Architecture arch, long seed, double sparsity) {
    Supernet net = network(space, arch, seed);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("method", "bench");
    p.put("seed", seed);
    SuperTicket t =
        new SuperTicket(
            space,
            arch,
            NetworkState.capture(net),
            Normalization.identity(space.input().channels()),
            Provenance.of(p));
    return t.prune(MaskPolicies.magnitude(), sparsity, null, seed);
  }

  /**
   * Every path keeps {@code fraction} of its hidden channels (rounded, at least one: no path
   * vanishes).
   */
  static Architecture cut(SearchSpace space, double fraction) {
    Map<String, ImmutableList<Integer>> m = new LinkedHashMap<>();
    Architecture.full(space)
        .hidden()
        .forEach(
            (block, hidden) ->
                m.put(
                    block,
                    hidden.stream()
                        .map(h -> h == 0 ? 0 : Math.max(1, (int) Math.round(h * fraction)))
                        .collect(ImmutableList.toImmutableList())));
    return new Architecture(ImmutableMap.copyOf(m));
  }

  /**
   * Dense MACs of one image through {@code arch}: the space's MACs less the MACs of every cut
   * channel.
   */
  static long macs(SearchSpace space, Architecture arch) {
    long macs = space.cost().macs();
    for (SearchableBlock b : space.blocks()) {
      List<Integer> kept = arch.of(b.name());
      for (PathSpec p : b.paths()) {
        macs -= (long) (p.hiddenChannels() - kept.get(p.index())) * p.macsPerChannel();
      }
    }
    return macs;
  }

  /**
   * {@code space} with every channel count (stem, stages, chain, head) scaled by {@code factor}, at
   * least 1.
   */
  static SearchSpace scaled(SearchSpace space, double factor) {
    if (factor == 1) {
      return space;
    }
    SearchSpace.Builder b = space.toBuilder().name(space.name() + "-x" + factor).clearBody();
    b.stem(
        space.stem().stream()
            .map(l -> new StemLayer(scale(l.outChannels(), factor), l.kernelSize(), l.stride()))
            .toList());
    for (StageSpec s : space.stages()) {
      b.stage(s.blocks(), s.channels().stream().map(c -> scale(c, factor)).toList());
    }
    space
        .chain()
        .forEach(c -> b.chainStage(scale(c.outChannels(), factor), c.blocks(), c.stride()));
    if (space.head() instanceof ClassificationHead h) {
      b.classificationHead(
          h.headChannels().stream().map(c -> scale(c, factor)).toList(),
          scale(h.lastChannel(), factor),
          h.dropout(),
          h.numClasses());
    }
    return b.build();
  }

  private static int scale(int channels, double factor) {
    return Math.max(1, (int) Math.round(channels * factor));
  }
}
