package dev.supertickets.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** Mean IoU and pixel accuracy against a hand-worked example. */
class ConfusionTest {
  @Test
  void matchesAHandWorkedExample() {
    // truth / prediction of 10 pixels over 3 classes (class 2 never occurs in truth, predicted
    // once)
    int[] truth = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    int[] pred = {0, 0, 1, 2, 1, 1, 1, 0, 1, 1};
    Confusion c = Confusion.empty(3);
    for (int i = 0; i < truth.length; i++) {
      c.add(truth[i], pred[i]);
    }
    // class 0: TP 2, FN 2 (one as 1, one as 2), FP 1 (a 1 predicted as 0): IoU 2/5
    // class 1: TP 5, FN 1, FP 1: IoU 5/7
    // class 2: TP 0, FN 0, FP 1: IoU 0 (it occurs in the predictions, so it counts)
    assertThat(c.iou(0)).isCloseTo(2.0 / 5, offset(1e-15));
    assertThat(c.iou(1)).isCloseTo(5.0 / 7, offset(1e-15));
    assertThat(c.iou(2)).isZero();
    assertThat(c.meanIoU()).isCloseTo((2.0 / 5 + 5.0 / 7 + 0) / 3, offset(1e-15));
    assertThat(c.pixelAccuracy()).isCloseTo(7.0 / 10, offset(1e-15));
    assertThat(c.total()).isEqualTo(10);
  }

  @Test
  void aClassAbsentEverywhereIsLeftOutOfTheMean() {
    Confusion c = Confusion.empty(4);
    c.add(0, 0);
    c.add(1, 1);
    c.add(1, 0);
    assertThat(c.iou(3)).isNaN();
    assertThat(c.meanIoU()).isCloseTo((1.0 / 2 + 1.0 / 2) / 2, offset(1e-15));
  }

  @Test
  void rejectsAMalformedMatrix() {
    assertThatThrownBy(() -> new Confusion(new long[][] {{1, 2}})).hasMessageContaining("square");
    assertThatThrownBy(() -> new Confusion(new long[][] {{-1}}))
        .hasMessageContaining("non-negative");
  }
}
