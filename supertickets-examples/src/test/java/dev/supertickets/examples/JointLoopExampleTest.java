package dev.supertickets.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.testing.TicketAssertions;
import dev.supertickets.ticket.SuperTicket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The loop written from the building blocks draws the drawer's ticket, bit for bit. */
@Tag("slow")
class JointLoopExampleTest {
  @Test
  void theHandWrittenLoopDrawsTheDrawersTicketBitForBit() {
    Dataset train = EmbeddedFashionMnist.train().subset(0, 1024);
    // a strong penalty and a loose threshold, so that channels are cut within 4 epochs; 12 prune
    // events spread over the 64 steps, so that events fall inside epochs and on their ends
    Recipe recipe =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28())
            .recipe(Recipe.standard())
            .rho(0.5)
            .learningRate(0.05)
            .rhoWarmupEpochs(0)
            .shrinkThreshold(0.05)
            .augmentation(Augmentation.none())
            .recipe();
    SuperTicket drawn =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28())
            .recipe(recipe)
            .seed(7)
            .epochs(4)
            .targetSparsity(0.7)
            .build()
            .draw(train, null);
    SuperTicket mine = JointLoopExample.draw(SearchSpaces.tiny28(), recipe, 4, 0.7, 7, train);
    assertThat(drawn.architecture().totalHidden())
        .as("the search cut channels")
        .isLessThan(SearchSpaces.tiny28().cost().hiddenChannels());
    TicketAssertions.assertThat(drawn).hasSparsity(0.7, 1e-3);
    TicketAssertions.assertThat(mine).isBitIdenticalTo(drawn);
  }
}
