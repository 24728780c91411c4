package dev.supertickets.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The PyTorch side of a row (PyTorch 2.7.1 through DJL 0.35.1, CPU): a classification network as a
 * DJL block, timed either as a training step (forward, softmax cross-entropy, backward, SGD lr 0.01
 * momentum 0.9, the update {@link OursStep} makes) or as an inference pass (eval mode, no
 * autograd), on one fixed random NCHW batch.
 *
 * <p>The data stay fixed across steps; each step copies them into a fresh sub-manager, so every
 * activation, the autograd graph and the loss are freed when the step ends and memory stays flat.
 * Parameter gradients are read, applied and zeroed by {@code Trainer.step()}. Thread counts are the
 * engine's ({@link Threads}); run with {@code -Dai.djl.offline=true} so that DJL never tries to
 * download anything.
 */
public final class TorchStep implements TimedStep, AutoCloseable {

  /** The engine name DJL registers PyTorch under. */
  public static final String ENGINE = "PyTorch";

  private final boolean training;
  private final int batchSize;
  private final Model model;
  private final Trainer trainer;
  private final NDManager dataManager;
  private final NDArray data;
  private final NDArray labels;

  private TorchStep(
      String name, Block block, Shape input, int classes, boolean training, int seed) {
    if (input.get(0) < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + input.get(0));
    }
    this.training = training;
    this.batchSize = Math.toIntExact(input.get(0));
    Engine engine = Engine.getEngine(ENGINE);
    engine.setRandomSeed(seed);
    Model m = Model.newInstance(name, Device.cpu(), ENGINE);
    Trainer t = null;
    NDManager dm = null;
    try {
      m.setBlock(block);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optDevices(new Device[] {Device.cpu()})
              .optOptimizer(
                  Optimizer.sgd()
                      .setLearningRateTracker(Tracker.fixed(0.01f))
                      .optMomentum(0.9f)
                      .build());
      // No training listeners: nothing accumulates metrics or logs between steps.
      t = m.newTrainer(config);
      t.initialize(input);
      dm = t.getManager().newSubManager();
      this.data = dm.randomNormal(input);
      this.labels = dm.randomInteger(0, classes, new Shape(batchSize), DataType.INT64);
    } catch (RuntimeException | Error e) {
      if (dm != null) {
        dm.close();
      }
      if (t != null) {
        t.close();
      }
      m.close();
      throw e;
    }
    this.model = m;
    this.trainer = t;
    this.dataManager = dm;
  }

  /**
   * A training step of {@code block}.
   *
   * @param name model name (for DJL's logs)
   * @param block an uninitialised classification network
   * @param input NCHW input shape, batch first
   * @param classes number of classes of the random labels
   * @param seed engine seed (data and initial weights)
   * @return the step
   */
  public static TorchStep training(String name, Block block, Shape input, int classes, int seed) {
    return new TorchStep(name, block, input, classes, true, seed);
  }

  /**
   * An inference pass of {@code block} (eval mode, no gradients).
   *
   * @param name model name
   * @param block an uninitialised classification network
   * @param input NCHW input shape, batch first
   * @param classes number of classes
   * @param seed engine seed
   * @return the step
   */
  public static TorchStep inference(String name, Block block, Shape input, int classes, int seed) {
    return new TorchStep(name, block, input, classes, false, seed);
  }

  /**
   * @return whether a step trains (else it infers)
   */
  public boolean training() {
    return training;
  }

  @Override
  public void step() {
    // every array the passes create is attached to the step manager (the inputs' manager), so
    // closing it frees the whole step
    try (NDManager stepManager = trainer.getManager().newSubManager()) {
      NDArray x = data.duplicate();
      x.attach(stepManager);
      if (training) {
        NDArray y = labels.duplicate();
        y.attach(stepManager);
        try (Batch batch =
            new Batch(stepManager, new NDList(x), new NDList(y), batchSize, null, null, 0, 1)) {
          EasyTrain.trainBatch(trainer, batch);
          trainer.step();
        }
      } else {
        NDList out =
            model.getBlock().forward(new ParameterStore(stepManager, false), new NDList(x), false);
        out.singletonOrThrow().toFloatArray(); // waits for the result, as a caller would
      }
    }
  }

  /**
   * Runs one forward pass in inference mode and returns the loss on the fixed batch, a sanity check
   * that training moves the loss.
   *
   * @return the mean softmax cross-entropy on the fixed batch
   */
  public float loss() {
    try (NDManager m = trainer.getManager().newSubManager()) {
      NDArray x = data.duplicate();
      NDArray y = labels.duplicate();
      x.attach(m);
      y.attach(m);
      NDList preds = trainer.evaluate(new NDList(x));
      return trainer.getLoss().evaluate(new NDList(y), preds).getFloat();
    }
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public void close() {
    dataManager.close();
    trainer.close();
    model.close();
  }
}
