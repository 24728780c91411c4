package dev.supertickets.draw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The drawer's MACs budget: the search stops at the first shrink that meets it, the ticket keeps
 * that architecture, and a budget that is never met is reported, not thrown.
 */
@Tag("slow")
class MacsBudgetTest {
  private static final long DENSE = SearchSpaces.tiny28().cost().macs();
  private static Dataset train;
  private static Dataset test;
  private static SuperTicket unbudgeted;
  private static final List<DrawListener.DrawEvent> unbudgetedEvents = new ArrayList<>();

  /** A draw that shrinks in several steps (rho rising over all epochs, a loose threshold). */
  private static SuperTicketsDrawer.Builder drawer(int epochs) {
    return SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .seed(5)
        .epochs(epochs)
        .batchSize(32)
        .targetSparsity(0.5)
        .pruneSchedule(PruneSchedule.linear(0.75))
        .rho(0.5)
        .rhoWarmupEpochs(epochs)
        .learningRate(0.05)
        .shrinkThreshold(0.1)
        .emaDecay(0.9);
  }

  @BeforeAll
  static void drawWithoutBudget() {
    Backend.init();
    train = EmbeddedFashionMnist.train().subset(0, 512);
    test = EmbeddedFashionMnist.test().subset(0, 128);
    unbudgeted = drawer(4).listener(unbudgetedEvents::add).build().draw(train, test);
  }

  @Test
  void theSearchStopsAtTheFirstShrinkThatMeetsTheBudget() {
    List<DrawListener.DrawEvent> shrinks =
        unbudgetedEvents.stream().filter(DrawListener.DrawEvent::shrunk).toList();
    assertThat(shrinks).as("the unbudgeted draw shrinks more than once").hasSizeGreaterThan(1);
    assertThat(shrinks.get(1).macs()).isLessThan(shrinks.get(0).macs());
    // the budget is what the first shrink reached: met there, so the later shrinks must not happen
    DrawListener.DrawEvent first = shrinks.get(0);
    long budget = first.macs();
    List<DrawListener.DrawEvent> events = new ArrayList<>();
    List<DrawListener.DrawSummary> summaries = new ArrayList<>();
    SuperTicket t =
        drawer(4)
            .macsBudget(budget)
            .listener(events::add)
            .listener(collecting(summaries))
            .build()
            .draw(train, test);

    assertThat(t.cost().macs())
        .isLessThanOrEqualTo(budget)
        .isEqualTo(first.macs())
        .isNotEqualTo(unbudgeted.cost().macs());
    assertThat(unbudgeted.cost().macs()).isLessThan(budget);
    assertThat(
            events.stream()
                .filter(DrawListener.DrawEvent::shrunk)
                .map(DrawListener.DrawEvent::epoch))
        .containsExactly(first.epoch());
    assertThat(events.subList(first.epoch(), events.size()))
        .allSatisfy(e -> assertThat(e.macs()).isEqualTo(budget));
    // pruning still goes on to the target
    assertThat(t.sparsity()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(t.provenance().get("macsBudget")).isEqualTo(Long.toString(budget));
    assertThat(t.provenance().get("draw.macsBudgetMet")).isEqualTo("true");
    assertThat(t.provenance().get("draw.macsBudgetMetAtEpoch"))
        .isEqualTo(Integer.toString(first.epoch() + 1));
    assertThat(summaries)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.macsBudgetMet()).isTrue();
              assertThat(s.macsBudgetMetEpoch()).isEqualTo(first.epoch() + 1);
              assertThat(s.macs()).isEqualTo(budget);
            });
    assertThat(unbudgeted.provenance().get("macsBudget")).isEqualTo("none");
    assertThat(unbudgeted.provenance().get("draw.macsBudgetMet")).isEqualTo("n/a");
  }

  @Test
  void aBudgetTheDenseSupernetMeetsMeansNoSearch() {
    List<DrawListener.DrawEvent> events = new ArrayList<>();
    SuperTicket t = drawer(2).macsBudget(DENSE).listener(events::add).build().draw(train, test);
    assertThat(events).noneMatch(DrawListener.DrawEvent::shrunk);
    assertThat(t.cost().macs()).isEqualTo(DENSE);
    assertThat(t.architecture().totalHidden())
        .isEqualTo(SearchSpaces.tiny28().cost().hiddenChannels());
    assertThat(t.provenance().get("draw.macsBudgetMet")).isEqualTo("true");
    assertThat(t.provenance().get("draw.macsBudgetMetAtEpoch")).isEqualTo("0");
  }

  @Test
  void anUnreachableBudgetIsReportedNotThrown() {
    List<DrawListener.DrawSummary> summaries = new ArrayList<>();
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    SuperTicket t =
        drawer(2)
            .macsBudget(1)
            .listener(new ConsoleProgress(new java.io.PrintStream(console, true)))
            .listener(collecting(summaries))
            .build()
            .draw(train, test);
    assertThat(t.cost().macs()).isGreaterThan(1);
    assertThat(t.provenance().get("draw.macsBudgetMet")).isEqualTo("false");
    assertThat(t.provenance().get("draw.macsBudgetMetAtEpoch")).isEqualTo("never");
    assertThat(summaries)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.hasMacsBudget()).isTrue();
              assertThat(s.macsBudgetMet()).isFalse();
              assertThat(s.macsBudgetMetEpoch()).isEqualTo(-1);
            });
    assertThat(console.toString()).contains("MACs budget 0.00M NOT met");
  }

  @Test
  void aNonPositiveBudgetIsRefused() {
    assertThatThrownBy(() -> SuperTicketsDrawer.builder(SearchSpaces.tiny28()).macsBudget(0))
        .hasMessageContaining("macs budget must be positive, got 0")
        .hasMessageContaining("space.cost().macs()");
  }

  /** A listener that only keeps the draw's summary. */
  private static DrawListener collecting(List<DrawListener.DrawSummary> summaries) {
    return new DrawListener() {
      @Override
      public void onEpoch(DrawEvent e) {}

      @Override
      public void onFinish(DrawSummary s) {
        summaries.add(s);
      }
    };
  }
}
