package dev.supertickets.data;

import static dev.supertickets.data.IdxFiles.counting;
import static dev.supertickets.data.IdxFiles.gzip;
import static dev.supertickets.data.IdxFiles.ubyte;
import static dev.supertickets.data.IdxFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetsTest {
  @TempDir Path dir;

  @Test
  void loadsGreyClassificationSetScaledToUnitRange() throws IOException {
    byte[] pixels = new byte[2 * 2 * 3];
    pixels[0] = (byte) 255;
    pixels[5] = (byte) 51;
    Path images = write(dir, "img.gz", gzip(ubyte(new int[] {2, 2, 3}, pixels)));
    Path labels = write(dir, "lab", ubyte(new int[] {2}, new byte[] {4, 9}));
    Dataset d = IdxDatasets.load(images, labels, 10, "tiny");
    assertThat(d.size()).isEqualTo(2);
    assertThat(new int[] {d.height(), d.width(), d.channels()}).containsExactly(2, 3, 1);
    assertThat(d.pixel(0, 0, 0, 0)).isEqualTo(1f);
    assertThat(d.pixel(0, 1, 2, 0)).isCloseTo(0.2f, within(1e-7f));
    assertThat(d.label(1)).isEqualTo(9);
    assertThat(d.isDense()).isFalse();
    assertThat(d.name()).isEqualTo("tiny");
  }

  @Test
  void loadsColourImagesInNhwcOrder() throws IOException {
    Path images = write(dir, "rgb", ubyte(new int[] {1, 2, 2, 3}, counting(12)));
    Path labels = write(dir, "lab", ubyte(new int[] {1}, new byte[] {0}));
    Dataset d = IdxDatasets.load(images, labels, 2, "rgb");
    assertThat(d.channels()).isEqualTo(3);
    assertThat(d.pixel(0, 1, 0, 2) * 255f).isCloseTo(8f, within(1e-4f)); // ((1*2)+0)*3+2
  }

  @Test
  void countMismatchNamesBothFiles() {
    Path images = write(dir, "train-images", ubyte(new int[] {3, 2, 2}, new byte[12]));
    Path labels = write(dir, "other-labels", ubyte(new int[] {2}, new byte[2]));
    assertThatThrownBy(() -> IdxDatasets.load(images, labels, 10, "x"))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("train-images")
        .hasMessageContaining("other-labels")
        .hasMessageContaining("3 images")
        .hasMessageContaining("2 samples");
  }

  @Test
  void labelOutOfRangeNamesTheLabelFile() {
    Path images = write(dir, "images", ubyte(new int[] {3, 2, 2}, new byte[12]));
    Path labels = write(dir, "bad-labels", ubyte(new int[] {3}, new byte[] {1, 10, 2}));
    assertThatThrownBy(() -> IdxDatasets.load(images, labels, 10, "x"))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("bad-labels")
        .hasMessageContaining("label 10 at element 1")
        .hasMessageContaining("[0, 10)");
  }

  @Test
  void wrongRanksAreRefused() {
    Path flat = write(dir, "flat-images", ubyte(new int[] {4}, new byte[4]));
    Path labels = write(dir, "labels", ubyte(new int[] {4}, new byte[4]));
    Path labels2d = write(dir, "labels-2d", ubyte(new int[] {4, 1}, new byte[4]));
    Path images = write(dir, "images", ubyte(new int[] {4, 1, 1}, new byte[4]));
    assertThatThrownBy(() -> IdxDatasets.load(flat, labels, 2, "x"))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("flat-images")
        .hasMessageContaining("3 dimensions [N, H, W] or 4 [N, H, W, C]");
    assertThatThrownBy(() -> IdxDatasets.load(images, labels2d, 2, "x"))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("labels-2d")
        .hasMessageContaining("1 dimension");
  }

  @Test
  void loadsDenseLabelsWithIgnoreValue() throws IOException {
    Path images = write(dir, "img", ubyte(new int[] {2, 2, 2}, new byte[8]));
    Path masks =
        write(
            dir, "masks", ubyte(new int[] {2, 2, 2}, new byte[] {0, 1, 2, (byte) 255, 1, 1, 0, 0}));
    Dataset d = IdxDatasets.loadDense(images, masks, 3, 255, "seg");
    assertThat(d.isDense()).isTrue();
    assertThat(d.labelsPerSample()).isEqualTo(4);
    assertThat(d.labels(0)).containsExactly(0, 1, 2, 255);
    assertThat(d.classCounts()).containsExactly(3L, 3L, 1L);
  }

  @Test
  void denseLabelsMustMatchImageSize() {
    Path images = write(dir, "img", ubyte(new int[] {2, 2, 2}, new byte[8]));
    Path masks = write(dir, "small-masks", ubyte(new int[] {2, 1, 2}, new byte[4]));
    assertThatThrownBy(() -> IdxDatasets.loadDense(images, masks, 3, 255, "seg"))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("small-masks")
        .hasMessageContaining("[N, 2, 2]");
  }
}
