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
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;

/**
 * The PyTorch peer of network "net2", trained through DJL's block API, for side-by-side timing.
 *
 * <pre>
 *   conv3x3 1->16 (pad 1, no bias), BN, ReLU6
 *   2 x inverted residual:  x + BN(conv1x1 96->16( ReLU6(BN(dwconv3x3 96( ReLU6(BN(conv1x1 16->96(x))) ))) ))
 *   global average pool, linear 16->10
 * </pre>
 *
 * <p>Input is NCHW {@code [batch, 1, 28, 28]}, random normal; labels random in [0, 10). One {@link
 * #step()} is forward, softmax cross-entropy, backward and an SGD update (lr 0.01, momentum 0.9). The
 * data stay fixed across steps; each step copies them into a fresh batch manager, so every
 * activation, the autograd graph and the loss are freed when the step's batch closes and memory stays
 * flat. Parameter gradients are read, applied and zeroed (and their handles closed) by {@code
 * Trainer.step()}.
 *
 * <p>Thread settings come from the JVM: {@code -Dai.djl.pytorch.num_threads},
 * {@code -Dai.djl.pytorch.num_interop_threads} (read once, when the engine loads). Run with
 * {@code -Dai.djl.offline=true} so that DJL never tries to download anything.
 */
public final class TorchNet2 implements TimedStep, AutoCloseable {

    /** The engine name DJL registers PyTorch under. */
    public static final String ENGINE = "PyTorch";

    /** Default batch size. */
    public static final int DEFAULT_BATCH = 128;

    /** Number of classes. */
    public static final int CLASSES = 10;

    /** Expansion width of the inverted residual blocks. */
    public static final int EXPANDED = 96;

    /** Width of the stem and of the residual stream. */
    public static final int WIDTH = 16;

    private final int batchSize;
    private final Model model;
    private final Trainer trainer;
    private final NDManager dataManager;
    private final NDArray data;
    private final NDArray labels;

    /** Builds net2 for batch {@value #DEFAULT_BATCH} with seed 42. */
    public TorchNet2() {
        this(DEFAULT_BATCH, 42);
    }

    /**
     * Builds net2, its trainer and a fixed random batch.
     *
     * @param batchSize examples per step
     * @param seed seed for the engine's random generator (data and initial weights)
     */
    public TorchNet2(int batchSize, int seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        Engine engine = Engine.getEngine(ENGINE);
        engine.setRandomSeed(seed);
        Model m = Model.newInstance("net2-pytorch", Device.cpu(), ENGINE);
        Trainer t = null;
        NDManager dm = null;
        try {
            m.setBlock(net2());
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
            Shape inputShape = new Shape(batchSize, 1, 28, 28);
            t.initialize(inputShape);
            dm = t.getManager().newSubManager();
            NDArray x = dm.randomNormal(inputShape);
            NDArray y = dm.randomInteger(0, CLASSES, new Shape(batchSize), DataType.INT64);
            this.data = x;
            this.labels = y;
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
     * The net2 block, uninitialised.
     *
     * @return the block
     */
    public static Block net2() {
        SequentialBlock net = new SequentialBlock();
        net.add(conv(WIDTH, 3, 1)).add(bn()).add(relu6());
        net.add(invertedResidual());
        net.add(invertedResidual());
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Linear.builder().setUnits(CLASSES).optBias(true).build());
        return net;
    }

    /**
     * One inverted residual block: 1x1 16->96, BN, ReLU6, depthwise 3x3 (96 groups), BN, ReLU6, 1x1
     * 96->16, BN, plus the block input.
     *
     * @return the block
     */
    static Block invertedResidual() {
        SequentialBlock body = new SequentialBlock();
        body.add(conv(EXPANDED, 1, 1)).add(bn()).add(relu6());
        body.add(conv(EXPANDED, 3, EXPANDED)).add(bn()).add(relu6());
        body.add(conv(WIDTH, 1, 1)).add(bn());
        return new ParallelBlock(
                branches ->
                        new NDList(
                                branches.get(0)
                                        .singletonOrThrow()
                                        .add(branches.get(1).singletonOrThrow())),
                List.of(body, Blocks.identityBlock()));
    }

    private static Block conv(int filters, int kernel, int groups) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(1, 1))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(groups)
                .optBias(false)
                .build();
    }

    private static Block bn() {
        // Channel axis 1 (NCHW). DJL's defaults are eps 1e-5 and momentum 0.9 in MXNet's convention,
        // which the PyTorch engine passes to torch::batch_norm as 1 - 0.9 = 0.1, PyTorch's default.
        // (With axis 1 the engine wraps the call in two no-op transposes: views, no copies.)
        return BatchNorm.builder().optAxis(1).build();
    }

    private static Block relu6() {
        return LambdaBlock.singleton(a -> a.clip(0, 6), "relu6");
    }

    @Override
    public void step() {
        // The batch owns a sub-manager; split(...) inside trainBatch makes a child of it, and every
        // array the forward and backward passes create is attached to the input's manager, so closing
        // the batch frees the whole step.
        NDManager stepManager = trainer.getManager().newSubManager();
        NDArray x = data.duplicate();
        NDArray y = labels.duplicate();
        try (Batch batch =
                new Batch(stepManager, new NDList(x), new NDList(y), batchSize, null, null, 0, 1)) {
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
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
