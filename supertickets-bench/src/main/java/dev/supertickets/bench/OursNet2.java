package dev.supertickets.bench;

import dev.supertickets.nn.Networks;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import java.util.SplittableRandom;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SuperTickets-J's side of the net2 row: the same network, batch and update as {@link TorchNet2},
 * optionally with every weight masked (all-ones masks, so the arithmetic is the same and only the
 * masking overhead differs).
 */
public final class OursNet2 {
  private OursNet2() {}

  /**
   * The net2 training step at batch {@value TorchNet2#DEFAULT_BATCH}.
   *
   * @param masked whether every weight carries an all-ones mask
   * @return the step
   */
  public static OursStep training(boolean masked) {
    Backend.init();
    Sequential model = Networks.net2(1, 2, 10, new SplittableRandom(1));
    if (masked) {
      for (Param p : model.params()) {
        if (p.isWeight()) {
          p.setMask(Nd4j.ones(p.value().dataType(), p.value().shape()));
        }
      }
    }
    return OursStep.training(model, TorchNet2.DEFAULT_BATCH, 28, 28, 1, TorchNet2.CLASSES, 1);
  }
}
