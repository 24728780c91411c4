package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.Locale;

/**
 * Analytic size of a dense supernet at its space's input size, counted like the reference profiler
 * ({@code utils/model_profiling.py}, batch 1):
 *
 * <ul>
 *   <li>a convolution costs {@code H_out * W_out * k^2 * C_in * C_out / groups} MACs, a linear
 *       layer {@code in * out}; BatchNorm, activations, sums, upsampling, bilinear resizing,
 *       pooling and dropout cost nothing;
 *   <li>{@link #params()} counts conv and linear weights and biases (only the final classifier has
 *       a bias) and <em>not</em> BatchNorm γ and β: the reference profiler's leaf BN modules
 *       contribute 0, and this is the convention of the reference's numbers (ImageNet supernet:
 *       13,039,360 = 11,438,360 masked conv weights + 1,601,000 in the linear classifier). {@link
 *       #batchNormParams()} counts the γ and β of every BN the supernet uses, and {@link
 *       #trainableParams()} is the sum of both. (The reference model also registers an unused
 *       {@code bns} list per block "for distill", which neither count includes.)
 * </ul>
 *
 * <p>The penalties depend on the input size only through the resolutions' rounding: the reference
 * profiles every task at 224x224 (segmentation included), so a faithful port takes them from {@code
 * space.withInputSize(224, 224).cost()}; for the HR-NAS body at 1024x512 they are identical.
 *
 * @param macs dense multiply-accumulates of one image
 * @param searchableMacs the MACs of the searchable blocks alone
 * @param params conv and linear weights and biases (profiler convention, BN excluded)
 * @param batchNormParams BN γ and β
 * @param prunableWeights conv weights under a weight mask: every conv but the final classifier
 *     (stem, block paths, residual convs, the head's last 1x1 conv)
 * @param prunableTensors the number of those conv weight tensors
 * @param blocks searchable blocks
 * @param paths parallel paths over all blocks
 * @param hiddenChannels searchable hidden channels (BN γ scored by the search) over all paths
 * @param penaltyNorm {@code sum_p C_p f_p / sum_p C_p}, the channel-weighted mean MACs per hidden
 *     channel (the reference adds 1e-5 to the denominator, a relative difference below 1e-9)
 * @param penalties one entry per path, in block order then path order
 */
public record SupernetCost(
    long macs,
    long searchableMacs,
    long params,
    long batchNormParams,
    long prunableWeights,
    int prunableTensors,
    int blocks,
    int paths,
    long hiddenChannels,
    double penaltyNorm,
    ImmutableList<PathPenalty> penalties) {

  public SupernetCost {
    checkNotNull(
        penalties, "path penalties must not be null; pass an empty list for a space without paths");
  }

  /** Every trainable scalar: {@link #params()} plus {@link #batchNormParams()}. */
  public long trainableParams() {
    return params + batchNormParams;
  }

  /** The smallest path penalty. */
  public double minPenalty() {
    return penalties.stream().mapToDouble(PathPenalty::penalty).min().orElse(Double.NaN);
  }

  /** The largest path penalty. */
  public double maxPenalty() {
    return penalties.stream().mapToDouble(PathPenalty::penalty).max().orElse(Double.NaN);
  }

  /** One line: MACs, params, blocks, paths, hidden channels. */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%,d MACs, %,d params (+%,d BN), %d blocks, %d paths, %,d hidden channels, norm %.1f,"
            + " penalties %.3f..%.3f",
        macs,
        params,
        batchNormParams,
        blocks,
        paths,
        hiddenChannels,
        penaltyNorm,
        minPenalty(),
        maxPenalty());
  }
}
