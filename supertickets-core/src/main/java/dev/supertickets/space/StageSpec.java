package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Ints;
import java.util.List;

/**
 * One stage of a multi-branch (HRNet-style) space: a {@code FuseModule} from the previous stage's
 * branches to this stage's branches, then a {@code ParallelModule} that runs {@code blocks.get(i)}
 * searchable blocks ({@code channels.get(i) -> channels.get(i)}, stride 1) on branch {@code i}.
 * Branch {@code i} runs at resolution {@code 1/(inputStride * 2^i)} of the input (rounded up at
 * every halving). See {@link SearchableBlock} for the exact graph.
 *
 * @param blocks searchable blocks per branch (0 allowed: the branch is then only fused)
 * @param channels channels per branch; its size is the number of branches
 */
public record StageSpec(ImmutableList<Integer> blocks, ImmutableList<Integer> channels) {
  /** Validates the stage. */
  public StageSpec {
    checkNotNull(blocks, "blocks");
    checkNotNull(channels, "channels");
    checkArgument(!channels.isEmpty(), "a stage needs at least one branch, got no channels");
    checkArgument(
        blocks.size() == channels.size(),
        "a stage needs one block count per branch: got block counts %s for channels %s; "
            + "give both lists the same length",
        blocks,
        channels);
    for (int i = 0; i < channels.size(); i++) {
      checkArgument(
          channels.get(i) >= 1 && channels.get(i) <= SearchSpace.MAX_CHANNELS,
          "channels of branch %s must be in [1, %s], got %s",
          i,
          SearchSpace.MAX_CHANNELS,
          channels.get(i));
      checkArgument(
          blocks.get(i) >= 0 && blocks.get(i) <= SearchSpace.MAX_BLOCKS,
          "block count of branch %s must be in [0, %s], got %s",
          i,
          SearchSpace.MAX_BLOCKS,
          blocks.get(i));
    }
  }

  /**
   * A stage from lists: {@code blocks.get(i)} blocks of {@code channels.get(i)} channels on branch
   * i.
   */
  public static StageSpec of(List<Integer> blocks, List<Integer> channels) {
    return new StageSpec(ImmutableList.copyOf(blocks), ImmutableList.copyOf(channels));
  }

  /** A stage from arrays: {@code blocks[i]} blocks of {@code channels[i]} channels on branch i. */
  public static StageSpec of(int[] blocks, int[] channels) {
    return of(Ints.asList(blocks), Ints.asList(channels));
  }

  /** The number of branches. */
  public int branches() {
    return channels.size();
  }

  /** The number of {@code ParallelModule} blocks over all branches. */
  public int parallelBlocks() {
    return blocks.stream().mapToInt(Integer::intValue).sum();
  }
}
