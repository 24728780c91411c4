package dev.supertickets.supernet;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A searched architecture: for every searchable block, the hidden channels left in each path (in
 * the space's kernel order; 0 where the path was removed). Together with its {@link SearchSpace} it
 * rebuilds the cut network.
 */
public record Architecture(ImmutableMap<String, ImmutableList<Integer>> hidden) {
  /** Copies {@code hidden}: block name to hidden channels per path. */
  public Architecture {
    hidden = ImmutableMap.copyOf(hidden);
  }

  /** The uncut supernet of a space. */
  public static Architecture full(SearchSpace space) {
    Map<String, ImmutableList<Integer>> m = new LinkedHashMap<>();
    for (SearchableBlock b : space.blocks()) {
      m.put(
          b.name(),
          b.paths().stream().map(p -> p.hiddenChannels()).collect(ImmutableList.toImmutableList()));
    }
    return new Architecture(ImmutableMap.copyOf(m));
  }

  /** The architecture a supernet has now. */
  public static Architecture of(Supernet net) {
    Map<String, ImmutableList<Integer>> m = new LinkedHashMap<>();
    List<Integer> kernels = net.space().block().kernelSizes();
    net.blocks()
        .forEach(
            (name, b) -> {
              ImmutableList.Builder<Integer> counts = ImmutableList.builder();
              for (int k : kernels) {
                counts.add(
                    b.paths().stream()
                        .filter(p -> p.kernel() == k)
                        .mapToInt(InvertedResidualChannels.Path::hidden)
                        .findFirst()
                        .orElse(0));
              }
              m.put(name, counts.build());
            });
    return new Architecture(ImmutableMap.copyOf(m));
  }

  /** Hidden channels of a block's paths. */
  public ImmutableList<Integer> of(String block) {
    checkNotNull(block, "block name must not be null; see hidden().keySet() for the names");
    ImmutableList<Integer> h = hidden.get(block);
    checkArgument(h != null, "architecture has no block named %s", block);
    return h;
  }

  /** Total hidden channels. */
  public long totalHidden() {
    return hidden.values().stream().flatMap(List::stream).mapToLong(Integer::longValue).sum();
  }

  /** Paths with at least one channel. */
  public long livePaths() {
    return hidden.values().stream().flatMap(List::stream).filter(h -> h > 0).count();
  }
}
