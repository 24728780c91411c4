package dev.supertickets.examples;

import static dev.supertickets.testing.TicketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.testing.TicketArbitraries;
import dev.supertickets.ticket.SuperTicket;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * How a user tests properties of their own ticket with {@code dev.supertickets.testing}: the marked
 * region is what docs/testing-your-tickets.md shows, and the last test checks that the document
 * still shows exactly this code.
 */
class TicketPropertiesExampleTest {
  // begin ticket test
  private static final SearchSpace SPACE = SearchSpaces.tiny28();
  private static SuperTicket ticket;

  /** My ticket, drawn once (a short draw on 256 embedded images) for the test and the property. */
  static synchronized SuperTicket myTicket() {
    if (ticket == null) {
      Backend.init();
      ticket =
          SuperTicketsDrawer.builder(SPACE)
              .seed(7)
              .epochs(2)
              .batchSize(64)
              .targetSparsity(0.5)
              .build()
              .draw(
                  EmbeddedFashionMnist.train().subset(0, 256),
                  EmbeddedFashionMnist.test().subset(0, 64));
    }
    return ticket;
  }

  @Test
  void myTicketIsSparseSmallAndSound() {
    assertThat(myTicket())
        .hasSparsityAtLeast(0.49) // floor(0.5 · n) of n prunable weights: under 0.5 when n is odd
        .hasMacsAtMost(SPACE.cost().macs()) // never more than its supernet (802,744 per image)
        .hasSparseMacsAtMost(500_000) // counting active weights only
        .isSubnetworkOf(SPACE)
        .hasBinaryMasks()
        .hasInactivePrunedWeights();
  }

  @Property(tries = 10)
  void rePruningMyTicketPrunesExactlyTheAskedFraction(@ForAll("sparsities") double sparsity) {
    SuperTicket pruned = myTicket().prune(MaskPolicies.magnitude(), sparsity, null, 1);
    assertThat(pruned).isSubnetworkOf(SPACE).hasBinaryMasks().masks().hasExactSparsity(sparsity);
  }

  @Provide
  Arbitrary<Double> sparsities() {
    return TicketArbitraries.sparsities();
  }

  // end ticket test

  @Test
  void theDocumentShowsThisCodeAndItsImports() {
    String file =
        "supertickets-examples/src/test/java/dev/supertickets/examples/TicketPropertiesExampleTest.java";
    String code = Snippets.between(file, "ticket test", 2);
    String doc = Snippets.read("docs/testing-your-tickets.md");
    assertThat(doc).contains("```java\n" + code + "\n```");
    List<String> docImports = doc.lines().filter(l -> l.startsWith("import ")).toList();
    assertThat(docImports).isNotEmpty();
    assertThat(Snippets.lines(file)).containsAll(docImports);
  }
}
