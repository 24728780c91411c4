package dev.supertickets.nn.loss;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax cross-entropy with label smoothing, for classification ({@code logits [N, K]}, one label
 * a row) and for dense prediction ({@code logits [N, H, W, K]}, one label a pixel; pixels with the
 * ignore label count neither in the loss nor in the mean). The smoothed target is {@code
 * (1-ε)·onehot + ε/K}.
 */
public final class SoftmaxCrossEntropy {
  /** No ignore label. */
  public static final int NO_IGNORE = Integer.MIN_VALUE;

  private final double smoothing;
  private final int ignoreLabel;

  /**
   * Cross-entropy with label smoothing {@code smoothing} in [0, 1) and an ignore label ({@link
   * #NO_IGNORE} for none).
   */
  public SoftmaxCrossEntropy(double smoothing, int ignoreLabel) {
    checkArgument(
        smoothing >= 0 && smoothing < 1, "label smoothing must be in [0, 1), got %s", smoothing);
    this.smoothing = smoothing;
    this.ignoreLabel = ignoreLabel;
  }

  /** The label whose pixels count neither in the loss nor in the mean, or {@link #NO_IGNORE}. */
  public int ignoreLabel() {
    return ignoreLabel;
  }

  /** The label smoothing ε in [0, 1). */
  public double smoothing() {
    return smoothing;
  }

  /** Plain cross-entropy without smoothing or ignore label. */
  public SoftmaxCrossEntropy() {
    this(0, NO_IGNORE);
  }

  /**
   * The mean loss, its gradient with respect to the logits (same shape as the logits), and how many
   * rows or pixels counted (ignored pixels excluded).
   */
  public record Result(double loss, INDArray gradLogits, long counted) {
    public Result {
      checkNotNull(gradLogits, "logit gradient must not be null");
    }
  }

  /**
   * The mean loss over the counted rows (or pixels) and its gradient; {@code labels} holds one
   * class index in [0, K) per row of {@code logits} viewed as {@code [rows, K]}.
   */
  public Result compute(INDArray logits, int[] labels) {
    long k = logits.size(logits.rank() - 1);
    INDArray z = logits.reshape('c', logits.length() / k, k);
    long rows = z.size(0);
    checkArgument(
        labels.length == rows,
        "got %s labels for %s rows of logits; give one label per sample (or per pixel for dense"
            + " logits)",
        labels.length,
        rows);
    INDArray shifted = z.subColumnVector(z.max(1).reshape(rows, 1));
    INDArray exp = Transforms.exp(shifted, true);
    INDArray sum = exp.sum(true, 1);
    INDArray logSum = Transforms.log(sum, true);
    INDArray probs = exp.diviColumnVector(sum);
    double[] target = new double[Math.toIntExact(rows * k)];
    double[] weight = new double[Math.toIntExact(rows)];
    long counted = 0;
    double off = smoothing / k;
    for (int r = 0; r < rows; r++) {
      int y = labels[r];
      if (y == ignoreLabel) {
        continue;
      }
      checkArgument(
          y >= 0 && y < k,
          "label %s at row %s is outside [0, %s); check the number of classes",
          y,
          r,
          k);
      counted++;
      weight[r] = 1;
      for (int j = 0; j < k; j++) {
        target[(int) (r * k + j)] = off;
      }
      target[(int) (r * k + y)] += 1 - smoothing;
    }
    if (counted == 0) {
      return new Result(0, Nd4j.zeros(logits.dataType(), logits.shape()), 0);
    }
    INDArray t = Nd4j.create(target, new long[] {rows, k}, logits.dataType());
    INDArray logp = shifted.subColumnVector(logSum);
    double loss = -logp.mul(t).sumNumber().doubleValue() / counted;
    INDArray w = Nd4j.create(weight, new long[] {rows, 1}, logits.dataType());
    INDArray grad = probs.mulColumnVector(w).subi(t).divi(counted);
    return new Result(loss, grad.reshape('c', logits.shape()), counted);
  }
}
