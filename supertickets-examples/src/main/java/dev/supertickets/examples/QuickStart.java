package dev.supertickets.examples;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.FashionMnist;
import dev.supertickets.draw.ConsoleProgress;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.ScoredPolicy;
import dev.supertickets.mask.Scorers;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Path;

/**
 * The README's main job: draws a SuperTicket (architecture search and 80% weight pruning in one run) from the tiny
 * 28x28 supernet on the Fashion-MNIST subset bundled in the jar, prints what it got and saves it. Pass
 * {@code --full} to draw on the full data set from /usr/share/datasets/fashion-mnist.
 */
public final class QuickStart {
  /** Draws, prints and saves the ticket; {@code --full} uses the full data set. */
  public static void main(String[] args) throws Exception {
    Backend.init();
    boolean full = args.length > 0 && args[0].equals("--full");
    Dataset train = full ? FashionMnist.train() : EmbeddedFashionMnist.train();
    Dataset test = full ? FashionMnist.test() : EmbeddedFashionMnist.test();

    // begin quick start
    SuperTicket ticket = SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .seed(42)
        .epochs(8)
        .targetSparsity(0.8)        // re-scored and re-pruned every epoch, +20% per epoch
        .sparsityStep(0.2)
        .rho(0.02)                  // weight of the resource-aware L1 penalty that drives the search
        .maskPolicy(ScoredPolicy.of(Scorers.magnitude()).scope(Scope.ERK)) // every layer keeps weights
        .learningRate(0.02)
        .listener(new ConsoleProgress())
        .build()
        .draw(train, test);
    System.out.println(ticket);
    System.out.println("test accuracy: " + ticket.evaluate(test).accuracy());
    System.out.println("cost per image: " + ticket.cost());
    ticket.save(Path.of("target", "quickstart.stkt"));
    // end quick start

    System.out.println("data: " + train + " / " + test);
    System.out.println("dense supernet: " + SearchSpaces.tiny28().cost());
    System.out.println(Backend.describe());
    System.out.println("ticket saved to target/quickstart.stkt; provenance: " + ticket.provenance().entries());
  }
}
