package dev.supertickets.examples;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.elastic.ElasticTickets;
import dev.supertickets.mask.Scope;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.sparse.DstDrawer;
import dev.supertickets.sparse.ImpDrawer;
import dev.supertickets.sparse.SupTickets;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;

/**
 * The ticket family through one API, as docs/ticket-family.md shows it: a lottery ticket by
 * iterative magnitude pruning on a ResNet-style network of depth 14, stretched (E-LTH) to depth 20
 * and trained once, and RigL with a Sup-tickets phase on depth 20. Every drawer takes the same
 * {@link Retrainer} recipe. Runs on the embedded Fashion-MNIST subset in about a minute with the
 * defaults; the first argument is the number of training images (default 2,000).
 */
public final class TicketFamilyExample {
  private TicketFamilyExample() {}

  /** Draws the three tickets and prints them. */
  public static void main(String[] args) {
    Backend.init();
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    for (SuperTicket t :
        run(EmbeddedFashionMnist.train().subset(0, images), EmbeddedFashionMnist.test())) {
      System.out.printf(
          "%-8s sparsity %.3f  test accuracy %.4f  %s%n",
          t.provenance().get("method"),
          t.sparsity(),
          t.evaluate(EmbeddedFashionMnist.test()).accuracy(),
          t.space().name());
    }
  }

  /**
   * The IMP ticket on depth 14, its stretch to depth 20 trained once, and RigL with Sup-tickets on
   * depth 20.
   */
  static List<SuperTicket> run(Dataset train, Dataset test) {
    List<SuperTicket> out = new ArrayList<>();
    // begin ticket family
    Retrainer recipe = Retrainer.builder().epochs(2).learningRate(0.02).seed(7).build();
    SearchSpace shallow = SearchSpaces.resnetStyle28(14, 8);
    SearchSpace deep = SearchSpaces.resnetStyle28(20, 8);

    // lottery ticket: 20% a level, rewound to initialisation, until 80% sparse
    ImpDrawer.Result imp =
        ImpDrawer.builder(shallow)
            .seed(7)
            .retrainer(recipe)
            .pruningFraction(0.2)
            .targetSparsity(0.8)
            .scope(Scope.GLOBAL)
            .build()
            .run(train, test);
    // E-LTH: the rewound ticket stretched to the deeper network, then trained once
    SuperTicket stretched =
        ElasticTickets.stretch(imp.last().rewound(), deep).retrain(train, test, recipe);

    // RigL at 80%, ERK densities, with Sup-tickets in the last half (cycles of one epoch)
    SuperTicket rigl =
        DstDrawer.rigl(deep)
            .seed(7)
            .retrainer(recipe.toBuilder().epochs(4).build())
            .targetSparsity(0.8)
            .distribution(Scope.ERK)
            .updateInterval(10)
            .supTickets(
                SupTickets.builder().cycleEpochs(1).cycleRate(0.5).lr1(0.001).lr2(0.005).build())
            .build()
            .draw(train, test);
    // end ticket family
    out.add(imp.last().trained());
    out.add(stretched);
    out.add(rigl);
    return out;
  }
}
