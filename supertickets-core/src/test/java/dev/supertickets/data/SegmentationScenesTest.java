package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.tensor.RandomStreams;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Scenes of real items: deterministic, labels agree with pixels, items on top win. */
class SegmentationScenesTest {
  private static final Dataset ITEMS = EmbeddedFashionMnist.test().subset(0, 200);

  @Test
  void theSameSeedGivesTheSameScenesAndAnotherSeedOthers() {
    Dataset a = SegmentationScenes.builder(ITEMS).scenes(20).seed(3).build();
    Dataset b = SegmentationScenes.builder(ITEMS).scenes(20).seed(3).build();
    Dataset c = SegmentationScenes.builder(ITEMS).scenes(20).seed(4).build();
    assertThat(a.imageArray()).containsExactly(b.imageArray());
    assertThat(a.labelArray()).containsExactly(b.labelArray());
    assertThat(a.labelArray()).isNotEqualTo(c.labelArray());
  }

  @Test
  void backgroundIsExactlyThePixelsNoItemCovers() {
    Dataset s =
        SegmentationScenes.builder(ITEMS).canvas(48, 40).scenes(30).threshold(0.3).seed(1).build();
    assertThat(s.isDense()).isTrue();
    assertThat(s.numClasses()).isEqualTo(11);
    assertThat(s.height()).isEqualTo(48);
    assertThat(s.width()).isEqualTo(40);
    float[] img = s.imageArray();
    int[] lab = s.labelArray();
    long items = 0;
    for (int i = 0; i < img.length; i++) {
      assertThat(lab[i] == 10).as("pixel %s: background iff blank", i).isEqualTo(img[i] == 0f);
      if (img[i] != 0f) {
        assertThat(img[i]).isGreaterThanOrEqualTo(0.3f);
        items++;
      }
    }
    assertThat(items).isPositive();
  }

  @Test
  void aSingleItemSceneLabelsTheItemsCoveredPixelsWithItsClass() {
    Dataset one = ITEMS.subset(7, 8);
    Dataset s =
        SegmentationScenes.builder(one)
            .canvas(28, 28)
            .itemsPerScene(1, 1)
            .scenes(1)
            .threshold(0.5)
            .build();
    float[] item = one.image(0);
    for (int i = 0; i < item.length; i++) {
      int want = item[i] >= 0.5f ? one.label(0) : 10;
      assertThat(s.labelArray()[i]).isEqualTo(want);
      assertThat(s.imageArray()[i]).isEqualTo(item[i] >= 0.5f ? item[i] : 0f);
    }
  }

  @Test
  void laterItemsCoverEarlierOnesAsTheDocumentedDrawsSay() {
    Dataset s =
        SegmentationScenes.builder(ITEMS)
            .canvas(40, 36)
            .itemsPerScene(2, 4)
            .scenes(12)
            .threshold(0.25)
            .seed(9)
            .build();
    // replay the documented draws of each scene: count, then per item its index, top and left;
    // paint in order
    RandomStreams streams = new RandomStreams(9);
    for (int k = 0; k < s.size(); k++) {
      SplittableRandom r = streams.stream("scene", k);
      int[] want = new int[40 * 36];
      java.util.Arrays.fill(want, 10);
      int count = 2 + r.nextInt(3);
      for (int j = 0; j < count; j++) {
        int item = r.nextInt(ITEMS.size());
        int top = r.nextInt(40 - 28 + 1);
        int left = r.nextInt(36 - 28 + 1);
        float[] px = ITEMS.image(item);
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            if (px[y * 28 + x] >= 0.25f) {
              want[(top + y) * 36 + left + x] = ITEMS.label(item);
            }
          }
        }
      }
      assertThat(s.labels(k)).as("scene %s", k).containsExactly(want);
    }
  }

  @Test
  void badSettingsAreRefusedWithTheFix() {
    assertThatThrownBy(() -> SegmentationScenes.builder(ITEMS).canvas(20, 40))
        .hasMessageContaining("canvas 20x40 must hold an item of 28x28");
    assertThatThrownBy(() -> SegmentationScenes.builder(ITEMS).itemsPerScene(3, 2))
        .hasMessageContaining("min <= max");
    Dataset dense = SegmentationScenes.builder(ITEMS).scenes(2).build();
    assertThatThrownBy(() -> SegmentationScenes.builder(dense))
        .hasMessageContaining("classification set");
  }
}
