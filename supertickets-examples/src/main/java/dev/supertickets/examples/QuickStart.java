package dev.supertickets.examples;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.FashionMnist;
import dev.supertickets.draw.ConsoleProgress;
import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.nn.Profiler;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The README's main job: draws a SuperTicket (architecture search and 80% weight pruning in one
 * run) from the official code's Fashion-MNIST supernet on the subset bundled in the jar, and beside
 * it, on a second thread, what it has to beat: the same search without pruning, then one-shot
 * magnitude pruning to the same sparsity (no retraining), the paper's search-then-prune baseline.
 * Prints both and saves the ticket. Pass {@code --full} to use the full data set from
 * /usr/share/datasets/fashion-mnist.
 */
public final class QuickStart {
  static final long SEED = 42;
  static final int EPOCHS = 6;
  static final double SPARSITY = 0.8;

  /** The main job's outcome: the ticket, what it beat, and the draw's wall time. */
  record Outcome(
      SuperTicket ticket, SuperTicket oneShot, SuperTicket searchOnly, double drawSeconds) {}

  /** Draws, compares, prints and saves; {@code --full} uses the full data set. */
  public static void main(String[] args) throws Exception {
    Backend.init();
    boolean full = args.length > 0 && args[0].equals("--full");
    Dataset train = full ? FashionMnist.train() : EmbeddedFashionMnist.train();
    Dataset test = full ? FashionMnist.test() : EmbeddedFashionMnist.test();
    Outcome o = run(train, test);
    System.out.printf(
        Locale.ROOT,
        "%nwhat it beat, same supernet, recipe, seed %d, %d epochs and data (%s, %d "
            + "train / %d test images):%n",
        SEED,
        EPOCHS,
        train.name(),
        train.size(),
        test.size());
    System.out.printf(
        Locale.ROOT, "| %-53s | test acc | sparsity | MACs dense | MACs sparse |%n", "method");
    row("SuperTickets: search and prune in one run", o.ticket(), test);
    row("search, then one-shot magnitude prune (no retraining)", o.oneShot(), test);
    row("search only, dense (not pruned: the upper bound)", o.searchOnly(), test);
    System.out.printf(
        Locale.ROOT,
        "SuperTickets - search-then-prune at %.0f%% sparsity: %+.1f points; draw took "
            + "%.1f s%n",
        SPARSITY * 100,
        100 * (o.ticket().evaluate(test).accuracy() - o.oneShot().evaluate(test).accuracy()),
        o.drawSeconds());
    System.out.println("dense supernet: " + SearchSpaces.reference28().cost());
    System.out.println(Backend.describe());
    System.out.println(
        "ticket saved to target/quickstart.stkt; provenance: " + o.ticket().provenance().entries());
  }

  /**
   * The draw and, at the same time on a second thread, the search-only draw it is compared with.
   */
  static Outcome run(Dataset train, Dataset test) throws Exception {
    ExecutorService second = Executors.newSingleThreadExecutor();
    // the baseline draws at the same time on the other core: same supernet, recipe, seed and data,
    // no pruning
    CompletableFuture<SuperTicket> searched =
        CompletableFuture.supplyAsync(
            () ->
                SuperTicketsDrawer.builder(SearchSpaces.reference28())
                    .seed(SEED)
                    .epochs(EPOCHS)
                    .targetSparsity(0)
                    .build()
                    .draw(train, test),
            second);
    long t0 = System.nanoTime();

    // begin quick start
    SuperTicket ticket =
        SuperTicketsDrawer.builder(SearchSpaces.reference28()) // the official code's supernet
            .seed(SEED) // one seed decides everything
            .epochs(EPOCHS)
            // re-scored and re-pruned every epoch, the target reached at 3/4 of the run
            .targetSparsity(SPARSITY)
            .listener(new ConsoleProgress())
            .build() // the standard recipe; .recipe(Recipe.reference()) for the official one
            .draw(train, test);
    System.out.println(ticket);
    System.out.println("test accuracy: " + ticket.evaluate(test).accuracy());
    System.out.println("cost per image: " + ticket.cost());
    ticket.save(Path.of("target", "quickstart.stkt"));
    // end quick start

    double drawSeconds = (System.nanoTime() - t0) / 1e9;
    SuperTicket searchOnly = searched.get();
    second.shutdown();
    // one-shot magnitude pruning in the same scope as the drawer's, BN re-calibrated, no retraining
    SuperTicket oneShot =
        searchOnly
            .prune(
                MaskPolicies.magnitude().scope(Recipe.standard().pruneScope()),
                SPARSITY,
                train,
                SEED)
            .recalibrate(train, 10, SEED);
    return new Outcome(ticket, oneShot, searchOnly, drawSeconds);
  }

  private static void row(String method, SuperTicket t, Dataset test) {
    Profiler.Cost c = t.cost();
    System.out.printf(
        Locale.ROOT,
        "| %-53s | %8.4f | %8.3f | %,10d | %,11d |%n",
        method,
        t.evaluate(test).accuracy(),
        t.sparsity(),
        c.macs(),
        c.sparseMacs());
  }
}
