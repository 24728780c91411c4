package dev.supertickets.draw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The prune schedules: the reference's ramp exactly, and target reached before the end at any
 * budget.
 */
class PruneScheduleTest {
  @Test
  void linearAtThreeQuartersIsTheReferenceRampAtTwelveEpochs() {
    PruneSchedule s = PruneSchedule.linear(0.75);
    double[] got = IntStream.rangeClosed(1, 12).mapToDouble(k -> s.sparsity(k, 12, 0.9)).toArray();
    // the official run: r = min(floor((e+1)/1)/10, 0.9), 0.1 ... 0.9 at epochs 1 ... 9, then 0.9
    double[] reference = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9, 0.9};
    for (int i = 0; i < 12; i++) {
      assertThat(got[i]).as("epoch %s", i + 1).isCloseTo(reference[i], within(1e-12));
    }
  }

  @Test
  void cubicTakesLargeStepsFirst() {
    PruneSchedule s = PruneSchedule.cubic(0.75);
    // 8 events: the target at event 6; 1 - (1 - k/6)^3 of 0.8
    assertThat(s.sparsity(1, 8, 0.8)).isCloseTo(0.8 * (1 - Math.pow(5 / 6.0, 3)), within(1e-12));
    assertThat(s.sparsity(6, 8, 0.8)).isCloseTo(0.8, within(1e-12));
    assertThat(s.sparsity(8, 8, 0.8)).isCloseTo(0.8, within(1e-12));
    assertThat(s.sparsity(1, 8, 0.8)).isGreaterThan(PruneSchedule.linear(0.75).sparsity(1, 8, 0.8));
  }

  @Test
  void stepsAddAFixedAmountUpToTheTarget() {
    PruneSchedule s = PruneSchedule.steps(0.3);
    assertThat(s.sparsity(1, 5, 0.8)).isCloseTo(0.3, within(1e-12));
    assertThat(s.sparsity(3, 5, 0.8)).isCloseTo(0.8, within(1e-12));
    assertThat(s.targetEvent(5, 0.8)).isEqualTo(3);
    assertThat(PruneSchedule.steps(0.1).targetEvent(12, 0.9)).isEqualTo(9);
  }

  @Test
  void parsesTheCommandLineSpelling() {
    assertThat(PruneSchedule.parse("linear")).isEqualTo(PruneSchedule.linear(0.75));
    assertThat(PruneSchedule.parse("cubic:0.5")).isEqualTo(PruneSchedule.cubic(0.5));
    assertThat(PruneSchedule.parse("steps:0.2")).isEqualTo(PruneSchedule.steps(0.2));
    assertThat(PruneSchedule.parse(PruneSchedule.cubic(0.6).toString()))
        .isEqualTo(PruneSchedule.cubic(0.6));
    assertThatThrownBy(() -> PruneSchedule.parse("exponential"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'exponential'")
        .hasMessageContaining("cubic:0.75");
    assertThatThrownBy(() -> PruneSchedule.parse("steps")).hasMessageContaining("steps:0.1");
    assertThatThrownBy(() -> PruneSchedule.linear(1.5))
        .hasMessageContaining("(0, 1]")
        .hasMessageContaining("1.5");
  }

  @Property
  void rampsRiseMonotonicallyAndHoldTheTargetFromTheirEnd(
      @ForAll @IntRange(min = 2, max = 60) int events,
      @ForAll @DoubleRange(min = 0.01, max = 0.99) double target,
      @ForAll boolean cubic,
      @ForAll @DoubleRange(min = 0.05, max = 0.75) double rampEnd) {
    PruneSchedule s = cubic ? PruneSchedule.cubic(rampEnd) : PruneSchedule.linear(rampEnd);
    double previous = 0;
    for (int k = 1; k <= events; k++) {
      double x = s.sparsity(k, events, target);
      assertThat(x).isBetween(previous, target);
      previous = x;
    }
    int end = s.targetEvent(events, target);
    // at most three quarters of the run: the last event only re-scores at the target, never jumps
    // to it
    assertThat(end).isLessThan(events);
    assertThat(s.sparsity(end, events, target)).isCloseTo(target, within(1e-12));
    assertThat(s.sparsity(events, events, target)).isCloseTo(target, within(1e-12));
  }
}
