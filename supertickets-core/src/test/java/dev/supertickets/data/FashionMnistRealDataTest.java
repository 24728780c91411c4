package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Loads the full Fashion-MNIST where it is installed; skipped elsewhere. */
@Tag("real-data")
class FashionMnistRealDataTest {
  @Test
  void loadsBothFullSplits() throws IOException {
    assumeTrue(
        FashionMnist.isInstalled(FashionMnist.DEFAULT_DIRECTORY),
        "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIRECTORY);
    Dataset train = FashionMnist.train(FashionMnist.DEFAULT_DIRECTORY);
    Dataset test = FashionMnist.test(FashionMnist.DEFAULT_DIRECTORY);
    assertThat(train.size()).isEqualTo(60_000);
    assertThat(test.size()).isEqualTo(10_000);
    for (Dataset d : new Dataset[] {train, test}) {
      assertThat(new int[] {d.height(), d.width(), d.channels()}).containsExactly(28, 28, 1);
      assertThat(d.numClasses()).isEqualTo(10);
    }
    assertThat(train.classCounts()).containsOnly(6_000L);
    assertThat(test.classCounts()).containsOnly(1_000L);

    Normalization stats = train.channelStatistics();
    assertThat(stats.mean()[0]).isCloseTo(FashionMnist.NORMALIZATION.mean()[0], within(1e-5f));
    assertThat(stats.std()[0]).isCloseTo(FashionMnist.NORMALIZATION.std()[0], within(1e-5f));

    // the embedded subset is the first 500 of each class of this file, in file order
    Dataset embedded = EmbeddedFashionMnist.train();
    int[] taken = new int[10];
    int k = 0;
    for (int i = 0; k < embedded.size(); i++) {
      if (taken[train.label(i)]++ < EmbeddedFashionMnist.TRAIN_PER_CLASS) {
        assertThat(embedded.label(k)).isEqualTo(train.label(i));
        if (k % 97 == 0) {
          assertThat(embedded.image(k)).isEqualTo(train.image(i));
        }
        k++;
      }
    }
  }
}
