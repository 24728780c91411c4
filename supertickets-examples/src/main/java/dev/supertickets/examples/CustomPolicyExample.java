package dev.supertickets.examples;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.Gradients;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicy;
import dev.supertickets.mask.Ranking;
import dev.supertickets.mask.Scope;
import dev.supertickets.nn.Param;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Extending the library with a pruning policy of your own: a {@link MaskPolicy} that keeps the
 * weights with the largest first-order effect on the loss, {@code |w · ∂L/∂w|} (the Taylor
 * criterion), with the ERK budget per layer, plugged into the SuperTickets drawer in place of
 * magnitude pruning. The README quotes the marked block.
 */
public final class CustomPolicyExample {
  // begin custom policy
  /** Prunes the weights with the smallest |w · dL/dw| over two batches, ERK budget per layer. */
  static final class TaylorPolicy implements MaskPolicy {
    @Override
    public ImmutableMap<Param, INDArray> masks(MaskContext context, double sparsity) {
      ImmutableMap<Param, INDArray> grads =
          Gradients.ofLoss(context, 2); // leaves the model as it was
      ImmutableMap.Builder<Param, INDArray> scores = ImmutableMap.builder();
      for (Param p : context.params()) {
        scores.put(p, Transforms.abs(p.value().mul(grads.get(p)), false));
      }
      return Ranking.select(
          context.params(), scores.build(), sparsity, Scope.ERK); // exact count, ties by index
    }

    @Override
    public String toString() {
      return "taylor(erk)"; // recorded in the ticket's provenance
    }
  }

  // end custom policy

  /**
   * Draws a 70%-sparse ticket from tiny28 on {@code trainImages} embedded images with the custom
   * policy.
   */
  static SuperTicket draw(int trainImages, int epochs) {
    Dataset train = EmbeddedFashionMnist.train().subset(0, trainImages);
    return SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .seed(7)
        .epochs(epochs)
        .targetSparsity(0.7)
        .rho(0.02)
        .learningRate(0.02)
        .maskPolicy(new TaylorPolicy())
        .build()
        .draw(train, EmbeddedFashionMnist.test());
  }

  /** Draws a ticket with the {@code TaylorPolicy} above and prints it. */
  public static void main(String[] args) {
    Backend.init();
    SuperTicket ticket = draw(5000, 4);
    System.out.println(ticket);
    System.out.println("policy: " + ticket.provenance().get("maskPolicy"));
    System.out.println("test accuracy: " + ticket.evaluate(EmbeddedFashionMnist.test()).accuracy());
  }
}
