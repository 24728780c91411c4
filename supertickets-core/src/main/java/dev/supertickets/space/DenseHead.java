package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * HR-NAS's dense-prediction head (segmentation, keypoints): every final branch is bilinearly
 * resized ({@code align_corners=false}) to branch 0's resolution, the results are concatenated in
 * branch order, a searchable {@code transform} block maps the sum of the branch channels to {@code
 * lastChannel} (stride 1), and a 1x1 conv <em>with bias</em> (neither searched nor pruned) gives
 * {@code numClasses} maps at branch 0's resolution, which the supernet up-samples bilinearly to the
 * input size (as the reference's loss does to the label size), so the network's output holds one
 * score vector per input pixel.
 *
 * @param lastChannel output channels of the transform block (HR-NAS: 90 for Cityscapes and COCO,
 *     180 for ADE20K)
 * @param numClasses output maps: classes, or keypoint heat maps
 */
public record DenseHead(int lastChannel, int numClasses) implements HeadSpec {
  /** Validates the head. */
  public DenseHead {
    checkArgument(
        lastChannel >= 1 && lastChannel <= SearchSpace.MAX_CHANNELS,
        "transform output channels must be in [1, %s], got %s",
        SearchSpace.MAX_CHANNELS,
        lastChannel);
    checkArgument(
        numClasses >= 1 && numClasses <= SearchSpace.MAX_CHANNELS,
        "number of classes must be in [1, %s], got %s",
        SearchSpace.MAX_CHANNELS,
        numClasses);
  }
}
