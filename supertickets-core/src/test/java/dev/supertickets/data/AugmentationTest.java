package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Augmentation.Transform;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AugmentationTest {
  private static final int H = 3;
  private static final int W = 4;
  private static final int C = 2;
  private static final float[] ZERO = {0f, 0f};
  private static final float[] ONE = {1f, 1f};

  /** An image whose every value is distinct and non-zero: (index + 1) / 100. */
  private static float[] known() {
    float[] im = new float[H * W * C];
    for (int i = 0; i < im.length; i++) {
      im[i] = (i + 1) / 100f;
    }
    return im;
  }

  private static float[] apply(Transform t, float[] src) {
    float[] out = new float[src.length];
    t.apply(src, 0, out, 0, H, W, C, ZERO, ONE);
    return out;
  }

  @Test
  void flipTwiceIsIdentity() {
    Transform flip = new Transform(2, 2, 2, true);
    float[] once = apply(flip, known());
    assertThat(once).isNotEqualTo(known());
    assertThat(once[0]).isEqualTo(known()[(W - 1) * C]); // pixel (0,0) shows (0, W-1)
    assertThat(apply(flip, once)).isEqualTo(known());
  }

  @Test
  void cropAtOffsetPadIsIdentity() {
    for (int pad = 0; pad <= 3; pad++) {
      Transform t = new Transform(pad, pad, pad, false);
      assertThat(t.isIdentity()).isTrue();
      assertThat(apply(t, known())).isEqualTo(known());
    }
  }

  @Test
  void cropShiftsAndPadsWithZeros() {
    // offset 0 with pad 1: output (y, x) shows source (y - 1, x - 1), so row 0 and column 0 are
    // padding
    float[] out = apply(new Transform(1, 0, 0, false), known());
    float[] src = known();
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < C; c++) {
          float expected = y == 0 || x == 0 ? 0f : src[((y - 1) * W + x - 1) * C + c];
          assertThat(out[(y * W + x) * C + c]).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void normalisesWhileCopyingIncludingPadding() {
    float[] mean = {.5f, .25f};
    float[] std = {2f, .5f};
    float[] out = new float[H * W * C];
    new Transform(1, 0, 1, false).apply(known(), 0, out, 0, H, W, C, mean, std);
    assertThat(out[0]).isEqualTo((0f - .5f) / 2f); // padding is black before normalisation
    assertThat(out[1]).isEqualTo((0f - .25f) / .5f);
    assertThat(out[(W + 0) * C + 1]).isEqualTo((known()[1] - .25f) / .5f); // (1,0) shows (0,0)
  }

  @Property(tries = 200)
  void denseLabelsMoveWithTheirPixels(@ForAll @IntRange(max = 3) int pad, @ForAll long seed) {
    float[] src = new float[H * W]; // one channel; pixel value codes its own label
    int[] labels = new int[H * W];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i;
      src[i] = (i + 1) / 100f;
    }
    Transform t = Augmentation.cropAndFlip(pad).draw(new SplittableRandom(seed));
    float[] out = new float[H * W];
    int[] outLabels = new int[H * W];
    t.apply(src, 0, out, 0, H, W, 1, new float[1], new float[] {1f});
    t.applyToLabels(labels, 0, outLabels, 0, H, W, 255);
    for (int i = 0; i < out.length; i++) {
      if (outLabels[i] == 255) {
        assertThat(out[i]).isZero();
      } else {
        assertThat(out[i]).isEqualTo((outLabels[i] + 1) / 100f);
      }
    }
  }

  @Property(tries = 200)
  void drawsOffsetsWithinThePadding(@ForAll @IntRange(max = 4) int pad, @ForAll long seed) {
    Transform t = new Augmentation(pad, false).draw(new SplittableRandom(seed));
    assertThat(t.dy()).isBetween(0, 2 * pad);
    assertThat(t.dx()).isBetween(0, 2 * pad);
    assertThat(t.flip()).isFalse();
  }

  @Test
  void flipsAboutHalfTheTime() {
    SplittableRandom random = new SplittableRandom(7);
    int flips = 0;
    for (int i = 0; i < 10_000; i++) {
      flips += Augmentation.cropAndFlip(0).draw(random).flip() ? 1 : 0;
    }
    assertThat(flips).isBetween(4_700, 5_300);
  }

  @Test
  void validatesPadding() {
    assertThat(Augmentation.none().isNone()).isTrue();
    assertThat(Augmentation.cropAndFlip(4).isNone()).isFalse();
    assertThatThrownBy(() -> new Augmentation(-1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("crop padding must not be negative");
  }
}
