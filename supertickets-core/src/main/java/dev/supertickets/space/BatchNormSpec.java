package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * BatchNorm settings shared by every BN of the supernet, in PyTorch's convention: the running
 * statistics move as {@code running = (1 - momentum) * running + momentum * batch}, and {@code
 * epsilon} is added to the variance. SuperTickets uses {@code (0.01, 1e-3)} for classification and
 * segmentation ({@link #DEFAULT}) and {@code (0.1, 1e-5)} for COCO keypoints.
 *
 * @param momentum weight of the new batch statistics, in (0, 1]
 * @param epsilon added to the variance, positive
 */
public record BatchNormSpec(double momentum, double epsilon) {
  /** Momentum 0.01, epsilon 1e-3: the SuperTickets classification and segmentation settings. */
  public static final BatchNormSpec DEFAULT = new BatchNormSpec(0.01, 1e-3);

  /** Validates the settings. */
  public BatchNormSpec {
    checkArgument(
        momentum > 0 && momentum <= 1,
        "batch norm momentum must be in (0, 1] (PyTorch convention, e.g. 0.01), got %s",
        momentum);
    checkArgument(
        epsilon > 0 && Double.isFinite(epsilon),
        "batch norm epsilon must be positive and finite (e.g. 1e-3), got %s",
        epsilon);
  }
}
