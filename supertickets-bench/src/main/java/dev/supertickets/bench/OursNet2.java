package dev.supertickets.bench;

import dev.supertickets.data.Batch;
import dev.supertickets.nn.Networks;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.Sgd;
import dev.supertickets.train.Trainer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SuperTickets-J's side of the net2 row: the same network, batch and update as {@link TorchNet2} (forward, softmax
 * cross-entropy, hand-written backward, SGD lr 0.01 momentum 0.9), optionally with every weight masked (all-ones
 * masks, so the arithmetic is the same and only the masking overhead differs).
 */
public final class OursNet2 implements TimedStep {
  private final Trainer trainer;
  private final Batch batch;

  /** The dense step. */
  public OursNet2() {
    this(false);
  }

  /** The step with every weight masked by all-ones masks when {@code masked}, else dense. */
  public OursNet2(boolean masked) {
    Backend.init();
    SplittableRandom rng = new SplittableRandom(1);
    Sequential model = Networks.net2(1, 2, 10, rng);
    if (masked) {
      for (Param p : model.params()) {
        if (p.isWeight()) {
          p.setMask(Nd4j.ones(p.value().dataType(), p.value().shape()));
        }
      }
    }
    this.trainer = Trainer.builder(model).optimizer(new Sgd(0.9, false)).schedule(LrSchedule.constant(0.01)).build();
    int[] y = new int[TorchNet2.DEFAULT_BATCH];
    for (int i = 0; i < y.length; i++) {
      y[i] = rng.nextInt(10);
    }
    this.batch = new Batch(Tensors.gaussian(rng, 1, DataType.FLOAT, TorchNet2.DEFAULT_BATCH, 28, 28, 1), y, y.length);
  }

  @Override
  public void step() {
    trainer.step(batch, 0);
  }

  @Override
  public int batchSize() {
    return TorchNet2.DEFAULT_BATCH;
  }
}
