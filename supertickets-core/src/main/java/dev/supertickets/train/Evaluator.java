package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Batch;
import dev.supertickets.data.BatchIterator;
import dev.supertickets.data.Loader;
import dev.supertickets.internal.PathLanes;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.tensor.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Evaluates a classifier (or a dense predictor) on every batch of a loader, in eval mode. */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Mean loss and accuracy of {@code model} in {@link dev.supertickets.nn.Mode#EVAL} over one pass
   * of {@code loader}, counting per sample or, for dense data, per non-ignored pixel.
   */
  public static Metrics evaluate(Module model, Loader loader, SoftmaxCrossEntropy loss) {
    checkNotNull(model, "model must not be null");
    checkNotNull(
        loader, "loader must not be null; use Loader.forEvaluation(data, 256, normalization)");
    checkNotNull(loss, "loss must not be null; use new SoftmaxCrossEntropy()");
    double lossSum = 0;
    long correct = 0;
    long counted = 0;
    BatchIterator it = loader.epoch(0);
    while (it.hasNext()) {
      Batch b = it.next();
      try (MemoryWorkspace ignored = Workspaces.step();
          PathLanes lanes = PathLanes.open()) {
        INDArray logits = model.forward(b.x(), Mode.EVAL);
        SoftmaxCrossEntropy.Result r = loss.compute(logits, b.y());
        lossSum += r.loss() * r.counted();
        counted += r.counted();
        correct += countCorrect(logits, b.y(), loss.ignoreLabel());
      }
    }
    return new Metrics(
        counted == 0 ? 0 : lossSum / counted,
        counted == 0 ? 0 : (double) correct / counted,
        counted);
  }

  /**
   * The confusion matrix of a model's arg-max predictions over every labelled pixel (or sample) of
   * a loader, skipping {@code ignore}; the basis of mean IoU and pixel accuracy.
   */
  public static Confusion confusion(Module model, Loader loader, int numClasses, int ignore) {
    Confusion m = Confusion.empty(numClasses);
    BatchIterator it = loader.epoch(0);
    while (it.hasNext()) {
      Batch b = it.next();
      try (MemoryWorkspace ignored = Workspaces.step();
          PathLanes lanes = PathLanes.open()) {
        int[] pred = predictions(model.forward(b.x(), Mode.EVAL));
        int[] y = b.y();
        for (int i = 0; i < pred.length; i++) {
          if (y[i] != ignore) {
            m.add(y[i], pred[i]);
          }
        }
      }
    }
    return m;
  }

  /**
   * The arg-max class of every row (sample or pixel) of logits whose last axis holds the classes.
   */
  private static int[] predictions(INDArray logits) {
    long k = logits.size(logits.rank() - 1);
    return logits.reshape('c', logits.length() / k, k).argMax(1).toIntVector();
  }

  static long countCorrect(INDArray logits, int[] labels, int ignore) {
    int[] pred = predictions(logits);
    long c = 0;
    for (int i = 0; i < pred.length; i++) {
      if (labels[i] != ignore && pred[i] == labels[i]) {
        c++;
      }
    }
    return c;
  }
}
