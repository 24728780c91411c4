package dev.supertickets.space;

/**
 * The task head that ends a supernet: {@link ClassificationHead} (one label per image) or {@link
 * DenseHead} (one label per pixel of the highest-resolution branch: segmentation, keypoint heat
 * maps).
 */
public sealed interface HeadSpec permits ClassificationHead, DenseHead {
  /**
   * The channels of the last feature map, fed to the final (not searchable, not pruned) classifier.
   */
  int lastChannel();

  /** The number of outputs of the final classifier: classes, or heat maps for keypoints. */
  int numClasses();
}
