package dev.supertickets.draw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Prune events never go back, all fall within the run, and epoch events fall on the prune epochs'
 * ends.
 */
class PruneEventsProperties {
  @Property
  void eventsRiseStepByStepToTheirCountAtTheLastStep(
      @ForAll @IntRange(min = 1, max = 20) int epochs,
      @ForAll @IntRange(min = 1, max = 5) int interval,
      @ForAll @IntRange(min = 1, max = 40) int minEvents,
      @ForAll @IntRange(min = 1, max = 50) int steps) {
    PruneEvents ev = PruneEvents.of(epochs, interval, minEvents, steps);
    int before = 0;
    for (long g = 0; g <= (long) epochs * steps; g++) {
      int due = ev.due(g);
      assertThat(due).isBetween(before, ev.count());
      before = due;
    }
    assertThat(ev.due((long) epochs * steps)).isEqualTo(ev.count());
    assertThat(ev.count()).isEqualTo(Math.max(PruneEvents.byEpochs(epochs, interval), minEvents));
  }

  @Property
  void epochEventsFallOnlyOnThePruneEpochsEndsAndTheLastEpoch(
      @ForAll @IntRange(min = 1, max = 20) int epochs,
      @ForAll @IntRange(min = 1, max = 5) int interval,
      @ForAll @IntRange(min = 1, max = 30) int steps) {
    PruneEvents ev = PruneEvents.of(epochs, interval, 1, steps);
    assertThat(ev.bySteps()).isFalse();
    int expected = 0;
    for (int e = 0; e < epochs; e++) {
      for (int b = 1; b < steps; b++) {
        assertThat(ev.due((long) e * steps + b)).as("inside epoch %s", e).isEqualTo(expected);
      }
      if ((e + 1) % interval == 0 || e == epochs - 1) {
        expected++;
      }
      assertThat(ev.due((long) (e + 1) * steps)).as("end of epoch %s", e).isEqualTo(expected);
    }
  }

  @Test
  void twelveEventsOverThreeEpochsFallEveryQuarterEpoch() {
    PruneEvents ev = PruneEvents.of(3, 1, 12, 100);
    assertThat(ev.bySteps()).isTrue();
    assertThat(ev.due(24)).isZero();
    assertThat(ev.due(25)).isEqualTo(1);
    assertThat(ev.due(100)).isEqualTo(4);
    assertThat(ev.endsEpoch(100)).isTrue();
    assertThat(ev.due(299)).isEqualTo(11);
    assertThatThrownBy(() -> new PruneEvents(2, 3, 1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 3 prune events, got 2");
  }
}
