package dev.supertickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Trainer;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The range, shape, class-count and empty-data checks of the public builders and of the ticket's
 * methods: each bad value is refused at once with an {@link IllegalArgumentException} whose
 * lower-case message names the value (and, where this module owns the message, the rule and the
 * fix). {@link PublicApiNullTest} covers nulls.
 */
class ArgumentChecksTest {
  private static SearchSpace space;
  private static HrSupernet net;
  private static SuperTicket ticket;
  private static Dataset fits;
  private static Dataset fiveClasses;
  private static Dataset wrongSize;
  private static Dataset empty;

  @BeforeAll
  static void fixtures() {
    Backend.init();
    space = SearchSpaces.tiny28();
    net = new HrSupernet(space, new SplittableRandom(1));
    ticket = SuperTicket.of(net, Normalization.identity(1), Provenance.of(Map.of()));
    fits = data("fits", 8, 28, 10);
    fiveClasses = data("five-classes", 8, 28, 5);
    wrongSize = data("wrong-size", 8, 32, 10);
    empty = data("empty", 0, 28, 10);
  }

  private static Dataset data(String name, int n, int size, int classes) {
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % classes;
    }
    return Dataset.classification(name, new float[n * size * size], labels, size, size, 1, classes);
  }

  /**
   * The call is refused with an IAE whose message starts in lower case and contains every fragment.
   */
  private static void refused(ThrowingCallable call, String... fragments) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(IllegalArgumentException.class);
    String message = t.getMessage();
    assertThat(message).isNotBlank().contains(fragments);
    assertThat(Character.isUpperCase(message.charAt(0)))
        .as("lower-case message: %s", message)
        .isFalse();
  }

  @Test
  void datasetFactoriesCheckShapesRangesAndLabels() {
    refused(
        () -> Dataset.classification(" ", new float[0], new int[0], 28, 28, 1, 10),
        "blank",
        "pass e.g.");
    refused(
        () -> Dataset.classification("d", new float[0], new int[0], 0, 28, 1, 10),
        "0x28x1",
        "shape");
    refused(
        () -> Dataset.classification("d", new float[0], new int[0], 28, 28, 1, 0),
        "got 0",
        "pass e.g. 10");
    refused(
        () -> Dataset.classification("d", new float[5], new int[1], 28, 28, 1, 10),
        "784 floats, got 5",
        "NHWC images");
    refused(
        () -> Dataset.classification("d", new float[] {2f}, new int[] {0}, 1, 1, 1, 10),
        "got 2.0",
        "scale them");
    refused(
        () -> Dataset.classification("d", new float[1], new int[] {10}, 1, 1, 1, 10),
        "label 10",
        "[0, 10)",
        "count from 0");
    refused(
        () -> Dataset.dense("d", new float[1], new int[1], 1, 1, 1, 1, 10, 3),
        "got 3",
        "use e.g. -1 or 255");
    refused(() -> fits.sample(9, new SplittableRandom(0)), "9 of 8", "ask for 0 to 8");
  }

  @Test
  void loaderBuilderChecksBatchSizeNormalisationAndDropLast() {
    refused(() -> Loader.builder(fits).batchSize(0), "got 0", "e.g. 128");
    refused(
        () -> Loader.builder(fits).normalization(Normalization.identity(3)), "3 channels", "has 1");
    refused(
        () -> Loader.builder(fits).batchSize(16).dropLast(true).build(),
        "16",
        "8 samples",
        "lower the batch size");
    refused(() -> Loader.builder(fits).build().epoch(-1), "got -1", "count from 0");
    refused(() -> Augmentation.cropAndFlip(-1), "got -1", "use 0");
  }

  @Test
  void trainerBuilderAndTrainerCheckRanges() {
    Trainer.Builder b = Trainer.builder(net);
    refused(() -> b.ema(1.0), "got 1.0");
    refused(() -> b.ema(-0.5), "got -0.5");
    refused(() -> b.bnCalibration(-1), "got -1");
    Trainer t = b.build();
    Loader loader = Loader.builder(fits).batchSize(4).build();
    refused(() -> t.setGlobalStep(-1), "got -1");
    refused(() -> t.fit(loader, null, 0, 1), "epochs", "got 0");
    refused(() -> t.fit(loader, null, 1, 0), "got 0");
  }

  @Test
  void drawerBuilderChecksEveryRange() {
    SuperTicketsDrawer.Builder b = SuperTicketsDrawer.builder(space);
    refused(() -> b.epochs(0), "got 0");
    refused(() -> b.batchSize(0), "got 0");
    refused(() -> b.learningRate(0), "got 0.0");
    refused(() -> b.learningRate(Double.NaN), "got NaN");
    refused(() -> b.learningRate(Double.POSITIVE_INFINITY), "got Infinity");
    refused(() -> b.weightDecay(-1), "got -1.0");
    refused(() -> b.rho(-1), "got -1.0");
    refused(() -> b.rhoWarmupEpochs(-1), "got -1.0");
    refused(() -> b.emaDecay(1), "got 1.0");
    refused(() -> b.calibrationBatches(0), "got 0");
    refused(() -> b.evalInterval(0), "got 0");
    refused(() -> b.pruneInterval(0), "got 0");
    refused(() -> b.targetSparsity(1), "got 1.0");
    refused(() -> b.sparsityStep(0), "got 0.0");
    refused(() -> b.shrinkThreshold(-1), "got -1.0");
    refused(() -> b.macsBudget(0), "got 0", "space.cost().macs()");
  }

  @Test
  void drawerRefusesDataThatDoesNotFitTheSpace() {
    SuperTicketsDrawer drawer = SuperTicketsDrawer.builder(space).epochs(1).batchSize(4).build();
    refused(() -> drawer.draw(wrongSize, null), "32x32x1", "28x28x1", "withInputSize");
    refused(
        () -> drawer.draw(fiveClasses, null),
        "5 classes",
        "predicts 10",
        "use a space with 5 classes");
    refused(() -> drawer.draw(empty, null), "0 samples", "at least one sample");
    refused(
        () -> SuperTicketsDrawer.builder(space).batchSize(16).build().draw(fits, null),
        "8 samples",
        "batch of 16",
        "smaller batch size");
    refused(() -> drawer.draw(fits, fiveClasses), "test data", "5 classes");
  }

  @Test
  void retrainerBuilderChecksRangesAndRetrainChecksData() {
    Retrainer.Builder b = Retrainer.builder();
    refused(() -> b.epochs(0), "got 0", "e.g. 10");
    refused(() -> b.batchSize(0), "got 0", "e.g. 128");
    refused(() -> b.learningRate(-1), "got -1.0", "e.g. 0.01");
    refused(() -> b.weightDecay(Double.NaN), "got NaN", "or 0 to turn it off");
    refused(() -> b.emaDecay(1), "got 1.0", "e.g. 0.999");
    refused(() -> b.calibrationBatches(0), "got 0", "e.g. 10");
    refused(() -> b.evalInterval(0), "got 0");
    Retrainer r = Retrainer.builder().epochs(1).batchSize(4).build();
    refused(
        () -> ticket.retrain(fiveClasses, null, r), "training data has 5 classes", "predicts 10");
    refused(() -> ticket.retrain(empty, null, r), "0 samples");
    refused(() -> ticket.retrain(fits, wrongSize, r), "test data is 32x32x1");
  }

  @Test
  void maskContextBuilderChecksEpochShapeAndEmptyData() {
    MaskContext.Builder b = MaskContext.builder(net);
    refused(() -> b.dataEpoch(-1), "got -1", "count from 0");
    refused(() -> b.inputShape(0, 28, 1), "0x28x1", "pass height, width, channels");
    refused(
        () -> b.data(Loader.builder(empty).build()), "empty", "0 samples", "at least one batch");
  }

  @Test
  void ticketPredictChecksTheInputShape() {
    refused(
        () -> ticket.predict(Nd4j.zeros(DataType.FLOAT, 2, 784)),
        "[2, 784]",
        "[N, 28, 28, 1]",
        "reshape them");
    refused(
        () -> ticket.predict(Nd4j.zeros(DataType.FLOAT, 1, 32, 32, 1)),
        "[1, 32, 32, 1]",
        "[1, 28, 28, 1]");
    refused(() -> ticket.predict(Nd4j.zeros(DataType.FLOAT, 1, 28, 28, 3)), "[1, 28, 28, 3]");
    refused(
        () -> ticket.predict(Nd4j.create(DataType.FLOAT, 0, 28, 28, 1)),
        "N >= 1",
        "[0, 28, 28, 1]");
    // a double input is cast, not refused
    assertThat(ticket.predict(Nd4j.zeros(DataType.DOUBLE, 1, 28, 28, 1)).shape())
        .containsExactly(1, 10);
  }

  @Test
  void ticketEvaluateRecalibrateAndPruneCheckTheirArguments() {
    refused(() -> ticket.evaluate(fiveClasses), "evaluation data has 5 classes", "predicts 10");
    refused(() -> ticket.evaluate(wrongSize), "evaluation data is 32x32x1", "28x28x1");
    refused(
        () -> ticket.evaluate(empty), "evaluation data set empty is empty", "at least one sample");
    refused(() -> ticket.recalibrate(fits, 0, 1), "got 0", "e.g. 10");
    refused(() -> ticket.recalibrate(fiveClasses, 1, 1), "calibration data has 5 classes");
    refused(() -> ticket.prune(MaskPolicies.magnitude(), 1, null, 1), "got 1.0", "e.g. 0.9");
    refused(
        () -> ticket.prune(MaskPolicies.snip(), 0.5, fiveClasses, 1), "pruning data has 5 classes");
  }
}
