package example.app;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What both JVMs share: the images they predict and the file the predictions are written to. */
final class Probe {
  /** One line per probe image: its index, the predicted class and the ten logits. */
  static final String PREDICTIONS = "predictions.tsv";
  /** The first 200 images of the embedded test subset (every class appears). */
  static final int IMAGES = 200;

  private Probe() {}

  /** The probe images, as a batch {@code [N, H, W, C]} with pixels in [0, 1] (the ticket normalises them). */
  static INDArray images() {
    Dataset test = EmbeddedFashionMnist.test().subset(0, IMAGES);
    float[] pixels = new float[test.size() * test.sampleLength()];
    for (int i = 0; i < test.size(); i++) {
      System.arraycopy(test.image(i), 0, pixels, i * test.sampleLength(), test.sampleLength());
    }
    return Nd4j.create(pixels, new long[] {test.size(), test.height(), test.width(), test.channels()}, 'c');
  }

  /** The predictions file's lines for logits {@code [N, classes]}; {@link Float#toString} reads back exactly. */
  static List<String> lines(INDArray logits) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < logits.rows(); i++) {
      StringBuilder line = new StringBuilder().append(i).append('\t').append(logits.getRow(i).argMax().getInt(0));
      for (int c = 0; c < logits.columns(); c++) {
        line.append('\t').append(logits.getFloat(i, c));
      }
      out.add(line.toString());
    }
    return out;
  }

  static void write(Path file, List<String> header, List<String> lines) throws IOException {
    List<String> all = new ArrayList<>();
    header.forEach(h -> all.add("# " + h));
    all.addAll(lines);
    Files.write(file, all);
  }
}
