package dev.supertickets.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.ticket.SuperTicket;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The ticket-family guide's snippet runs, on a small subset, and gives what it says. */
@Tag("slow")
class TicketFamilyExampleTest {
  @Test
  void drawsImpStretchesItAndRunsRiglWithSupTickets() {
    List<SuperTicket> tickets =
        TicketFamilyExample.run(
            EmbeddedFashionMnist.train().subset(0, 512),
            EmbeddedFashionMnist.test().subset(0, 100));
    SuperTicket imp = tickets.get(0);
    SuperTicket stretched = tickets.get(1);
    SuperTicket rigl = tickets.get(2);
    assertThat(imp.provenance().get("method")).isEqualTo("imp");
    assertThat(imp.space().name()).startsWith("resnet14");
    assertThat(stretched.space().name()).startsWith("resnet20");
    assertThat(stretched.provenance().get("source.method")).isEqualTo("imp");
    // block 0 of each stage is never replicated, so the stretch keeps the sparsity close but not
    // exact
    assertThat(stretched.sparsity()).isBetween(0.75, 0.85);
    assertThat(rigl.space().name()).startsWith("resnet20");
    assertThat(rigl.sparsity()).isBetween(0.799, 0.801);
    assertThat(String.valueOf(rigl.provenance().get("method"))).contains("rigl").contains("sup");
  }

  @Test
  void theFamilyGuideShowsTheExamplesCode() {
    String code =
        Snippets.between(
            "supertickets-examples/src/main/java/dev/supertickets/examples/"
                + "TicketFamilyExample.java",
            "ticket family",
            4);
    assertThat(Snippets.read("docs/ticket-family.md")).contains("```java\n" + code + "\n```");
  }
}
