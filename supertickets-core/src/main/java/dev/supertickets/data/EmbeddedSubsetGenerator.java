package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Makes the resources of {@link EmbeddedFashionMnist} from the full Fashion-MNIST files: the first
 * {@value EmbeddedFashionMnist#TRAIN_PER_CLASS} images of each class of the training split and the
 * first {@value EmbeddedFashionMnist#TEST_PER_CLASS} of the test split, kept in file order, written
 * as gzipped IDX. The choice is deterministic, so rerunning it reproduces the same files. Run once,
 * from the repository root:
 *
 * <pre>
 * java -cp supertickets-core/target/classes:GUAVA_JAR dev.supertickets.data.EmbeddedSubsetGenerator \
 *     [SOURCE_DIR [OUTPUT_DIR]]
 * </pre>
 *
 * <p>SOURCE_DIR defaults to {@link FashionMnist#directory()}, OUTPUT_DIR to {@code
 * supertickets-core/src/main/resources/dev/supertickets/data/embedded}.
 */
public final class EmbeddedSubsetGenerator {
  /** Where the resources live in the source tree, relative to the repository root. */
  public static final Path DEFAULT_OUTPUT =
      Path.of("supertickets-core/src/main/resources/dev/supertickets/data/embedded");

  private EmbeddedSubsetGenerator() {}

  /** Writes the four subset files; arguments: optional source directory and output directory. */
  public static void main(String[] args) throws IOException {
    checkArgument(
        args.length <= 2,
        "usage: EmbeddedSubsetGenerator [SOURCE_DIR [OUTPUT_DIR]], got %s arguments",
        args.length);
    Path source = args.length > 0 ? Path.of(args[0]) : FashionMnist.directory();
    Path output = args.length > 1 ? Path.of(args[1]) : DEFAULT_OUTPUT;
    Files.createDirectories(output);
    write(source, output, "train", EmbeddedFashionMnist.TRAIN_PER_CLASS);
    write(source, output, "t10k", EmbeddedFashionMnist.TEST_PER_CLASS);
  }

  private static void write(Path source, Path output, String split, int perClass)
      throws IOException {
    String imagesName = split + "-images-idx3-ubyte";
    String labelsName = split + "-labels-idx1-ubyte";
    IdxArray images = IdxReader.read(existing(source, imagesName));
    IdxArray labels = IdxReader.read(existing(source, labelsName));
    int[] chosen = firstPerClass(labels, FashionMnist.NUM_CLASSES, perClass);
    IdxWriter.writeGzip(output.resolve(imagesName + ".gz"), images.select(chosen));
    IdxWriter.writeGzip(output.resolve(labelsName + ".gz"), labels.select(chosen));
    System.out.printf(
        Locale.ROOT, "%s: %d of %d samples -> %s%n", split, chosen.length, labels.dim(0), output);
  }

  private static Path existing(Path dir, String base) throws IOException {
    Path gz = dir.resolve(base + ".gz");
    Path plain = dir.resolve(base);
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    throw new DatasetNotFoundException(
        dir,
        base
            + "(.gz) not found in "
            + dir.toAbsolutePath()
            + "; install it with `apt-get install dataset-fashion-mnist` or pass the directory as"
            + " first argument");
  }

  /**
   * The indices of the first {@code perClass} samples of each class, in file order: deterministic
   * and class-balanced. Fails if some class has fewer samples.
   */
  static int[] firstPerClass(IdxArray labels, int numClasses, int perClass)
      throws FileFormatException {
    int[] taken = new int[numClasses];
    int[] chosen = new int[numClasses * perClass];
    int n = 0;
    for (int i = 0; i < labels.length() && n < chosen.length; i++) {
      int label = labels.unsigned(i);
      if (label >= numClasses) {
        throw new FileFormatException(
            labels.source(),
            String.format(
                Locale.ROOT,
                "label %d at element %d is outside the classes [0, %d)",
                label,
                i,
                numClasses));
      }
      if (taken[label] < perClass) {
        taken[label]++;
        chosen[n++] = i;
      }
    }
    if (n < chosen.length) {
      throw new FileFormatException(
          labels.source(),
          String.format(
              Locale.ROOT,
              "has too few samples for %d per class: counts taken %s",
              perClass,
              Arrays.toString(taken)));
    }
    return chosen;
  }
}
