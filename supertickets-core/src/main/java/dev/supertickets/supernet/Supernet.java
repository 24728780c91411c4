package dev.supertickets.supernet;

import com.google.common.collect.ImmutableList;
import dev.supertickets.nn.ChannelCut;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Profiler;
import dev.supertickets.space.SearchSpace;
import java.util.List;
import java.util.Map;

/**
 * A trainable network built from a {@link SearchSpace}: every searchable block is an {@link
 * InvertedResidualChannels} whose hidden channels can be cut out. Forward and backward take NHWC
 * images and return logits ({@code [N, classes]}, or {@code [N, H, W, classes]} for a dense head).
 */
public interface Supernet extends Module {
  /** The space this network was built from (its original, uncut shape). */
  SearchSpace space();

  /** The searchable blocks, in the space's block order, keyed by block name. */
  Map<String, InvertedResidualChannels> blocks();

  /**
   * MACs and parameters of one image at the space's input size, dense and counting active weights
   * only.
   */
  Profiler.Cost cost();

  /**
   * Cuts hidden channels: for every block named in {@code keep}, path i keeps the channels flagged
   * in {@code keep.get(name)[i]}. Returns the parameter cuts, to be applied to optimizer state and
   * EMA shadows.
   */
  List<ChannelCut> keep(Map<String, boolean[][]> keep);

  /**
   * The classifier's module name prefix ("classifier"): its parameters are not pruned by default.
   */
  String CLASSIFIER = "classifier";

  /** All paths of all blocks, in block then path order. */
  default List<InvertedResidualChannels.Path> paths() {
    ImmutableList.Builder<InvertedResidualChannels.Path> b = ImmutableList.builder();
    for (InvertedResidualChannels blk : blocks().values()) {
      b.addAll(blk.paths());
    }
    return b.build();
  }

  /** Searchable hidden channels left. */
  default long hiddenChannels() {
    return blocks().values().stream().mapToLong(InvertedResidualChannels::hiddenChannels).sum();
  }
}
