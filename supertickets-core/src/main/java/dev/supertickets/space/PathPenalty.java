package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The resource-aware L1 weight of one path (SuperTickets §2.1, HR-NAS {@code get_bn_to_prune}): the
 * search adds {@code rho * penalty * sum_c |gamma_c|} over the γ of the BN after the path's
 * depthwise conv.
 *
 * @param name {@code <block name>.path<index>}, e.g. {@code stage2.branch0.block1.path2}
 * @param blockIndex the block's index in {@link SearchSpace#blocks()}
 * @param pathIndex the path's index in its block
 * @param kernelSize the path's depthwise kernel size
 * @param hiddenChannels {@code C_p}
 * @param macsPerChannel {@code f_p}, MACs per hidden channel
 * @param penalty {@code f_p / norm}, with {@code norm = sum C_p f_p / sum C_p} ({@link
 *     SupernetCost#penaltyNorm()})
 */
public record PathPenalty(
    String name,
    int blockIndex,
    int pathIndex,
    int kernelSize,
    int hiddenChannels,
    long macsPerChannel,
    double penalty) {
  public PathPenalty {
    checkNotNull(name, "path name must not be null");
  }
}
