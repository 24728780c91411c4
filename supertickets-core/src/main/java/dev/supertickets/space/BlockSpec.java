package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Ints;
import java.util.HashSet;
import java.util.List;

/**
 * The searchable block every position of the supernet holds: HR-NAS's {@code
 * InvertedResidualChannels}, a MobileNetV2 inverted residual with one parallel path per kernel
 * size.
 *
 * <p>For a block {@code inp -> oup} with stride {@code s}, path {@code p} (kernel {@code k_p}) has
 * {@code C_p = round(inp * expandRatio)} hidden channels (round half to even on the double product,
 * like Python's {@code round}) and computes
 *
 * <pre>
 *   1x1 conv inp->C_p (no bias) -> BN -> act -> kxk depthwise conv (groups C_p, stride s, pad (k-1)/2, no bias)
 *   -> BN -> act -> 1x1 conv C_p->oup (no bias)
 * </pre>
 *
 * The paths are summed, the sum goes through one shared BN ({@code pw_bn}), and a residual is
 * added: the input itself when {@code s == 1 && inp == oup}, otherwise a 1x1 conv {@code inp ->
 * oup} with stride {@code s}, {@code groups = gcd(inp, oup)}, no BN and no bias. No activation
 * follows the block. The γ of the BN after path p's depthwise conv scores its hidden channels in
 * the search (one "atomic block" per channel).
 *
 * <p>Unlike the reference, the expansion conv exists for every ratio: HR-NAS drops it (and requires
 * {@code C_p == inp}) when the ratio is exactly 1, which no SuperTickets configuration uses.
 *
 * @param kernelSizes one distinct odd kernel size per path, in path order (HR-NAS: 3, 5, 7)
 * @param expandRatio hidden channels per path as a multiple of the block's input channels (HR-NAS:
 *     4)
 * @param activation the activation of the whole network (blocks, stem, fuse sums, head)
 */
public record BlockSpec(
    ImmutableList<Integer> kernelSizes, double expandRatio, ActivationKind activation) {
  /** Kernels 3, 5, 7, expand ratio 4, ReLU: the HR-NAS/SuperTickets block. */
  public static final BlockSpec DEFAULT = of(List.of(3, 5, 7), 4.0, ActivationKind.RELU);

  /** The largest expand ratio accepted. */
  public static final double MAX_EXPAND_RATIO = 64;

  /** Validates the spec. */
  public BlockSpec {
    checkNotNull(kernelSizes, "kernelSizes");
    checkNotNull(activation, "activation");
    checkArgument(
        !kernelSizes.isEmpty(), "a block needs at least one path; give at least one kernel size");
    checkArgument(
        new HashSet<>(kernelSizes).size() == kernelSizes.size(),
        "kernel sizes must be distinct (one path per size), got %s",
        kernelSizes);
    for (int k : kernelSizes) {
      checkArgument(
          k >= 1 && k % 2 == 1 && k <= 31,
          "kernel sizes must be odd and in [1, 31] (padding (k-1)/2 keeps the size), got %s in %s",
          k,
          kernelSizes);
    }
    checkArgument(
        expandRatio > 0 && expandRatio <= MAX_EXPAND_RATIO,
        "expand ratio must be in (0, %s], got %s; HR-NAS uses 4",
        MAX_EXPAND_RATIO,
        expandRatio);
  }

  /** A spec from a list of kernel sizes. */
  public static BlockSpec of(
      List<Integer> kernelSizes, double expandRatio, ActivationKind activation) {
    return new BlockSpec(ImmutableList.copyOf(kernelSizes), expandRatio, activation);
  }

  /** A spec from an array of kernel sizes. */
  public static BlockSpec of(int[] kernelSizes, double expandRatio, ActivationKind activation) {
    return of(Ints.asList(kernelSizes), expandRatio, activation);
  }

  /** The number of parallel paths per block. */
  public int paths() {
    return kernelSizes.size();
  }

  /**
   * {@code round(inp * expandRatio)}, half to even: the hidden channels of each path of a block
   * with inp inputs.
   */
  public int hiddenChannels(int inp) {
    checkArgument(inp >= 1, "block input channels must be at least 1, got %s", inp);
    return (int) Math.rint(inp * expandRatio);
  }

  /** This spec with other kernel sizes. */
  public BlockSpec withKernelSizes(int... sizes) {
    return of(sizes, expandRatio, activation);
  }

  /** This spec with another expand ratio. */
  public BlockSpec withExpandRatio(double ratio) {
    return new BlockSpec(kernelSizes, ratio, activation);
  }

  /** This spec with another activation. */
  public BlockSpec withActivation(ActivationKind kind) {
    return new BlockSpec(kernelSizes, expandRatio, kind);
  }
}
