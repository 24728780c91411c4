package dev.supertickets.data;

import com.google.common.base.Suppliers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A class-balanced subset of Fashion-MNIST bundled in the jar, so that examples and tests run on
 * any machine without a download: the first {@value #TRAIN_PER_CLASS} images of each class of the
 * training split (5,000) and the first {@value #TEST_PER_CLASS} of each class of the test split
 * (1,000), in file order. The resources are gzipped IDX files made by {@link
 * EmbeddedSubsetGenerator} and read by the same {@link IdxReader}. Loaded once per class loader and
 * shared (data sets are immutable).
 */
public final class EmbeddedFashionMnist {
  /** Training images per class in the subset. */
  public static final int TRAIN_PER_CLASS = 500;

  /** Test images per class in the subset. */
  public static final int TEST_PER_CLASS = 100;

  /** The class-path folder of the resources. */
  public static final String RESOURCE_FOLDER = "/dev/supertickets/data/embedded/";

  private static final Supplier<Dataset> TRAIN =
      Suppliers.memoize(() -> load("train", "fashion-mnist-embedded-train"));
  private static final Supplier<Dataset> TEST =
      Suppliers.memoize(() -> load("t10k", "fashion-mnist-embedded-test"));

  private EmbeddedFashionMnist() {}

  /** The 5,000-image training subset. */
  public static Dataset train() {
    return TRAIN.get();
  }

  /** The 1,000-image test subset. */
  public static Dataset test() {
    return TEST.get();
  }

  private static Dataset load(String split, String name) {
    try {
      IdxArray images = resource(split + "-images-idx3-ubyte.gz");
      IdxArray labels = resource(split + "-labels-idx1-ubyte.gz");
      return IdxDatasets.classification(images, labels, FashionMnist.NUM_CLASSES, name);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the embedded Fashion-MNIST subset is unreadable; rebuild supertickets-core", e);
    }
  }

  private static IdxArray resource(String file) throws IOException {
    String path = RESOURCE_FOLDER + file;
    try (InputStream in = EmbeddedFashionMnist.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            "class-path resource "
                + path
                + " is missing; rebuild supertickets-core "
                + "(the resources come from EmbeddedSubsetGenerator)");
      }
      return IdxReader.read(in, Path.of("classpath:" + path));
    }
  }
}
