package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One stage of a single-branch (MobileNetV2-style) chain, MobileNetV2's {@code [c, n, s]} row:
 * {@code blocks} searchable blocks with {@code outChannels} outputs; the first has the given stride
 * and reads the previous stage's channels, the others have stride 1 and identity residuals.
 *
 * @param outChannels output channels of every block of the stage
 * @param blocks number of blocks, at least 1
 * @param stride stride of the first block
 */
public record ChainStage(int outChannels, int blocks, int stride) {
  /** Validates the stage. */
  public ChainStage {
    checkArgument(
        outChannels >= 1 && outChannels <= SearchSpace.MAX_CHANNELS,
        "chain stage out channels must be in [1, %s], got %s",
        SearchSpace.MAX_CHANNELS,
        outChannels);
    checkArgument(
        blocks >= 1 && blocks <= SearchSpace.MAX_BLOCKS,
        "a chain stage needs 1 to %s blocks, got %s",
        SearchSpace.MAX_BLOCKS,
        blocks);
    checkArgument(stride >= 1, "chain stage stride must be at least 1, got %s", stride);
  }
}
