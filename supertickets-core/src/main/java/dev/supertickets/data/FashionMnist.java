package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Locates and loads Fashion-MNIST (Zalando's 70,000 28x28 grey images of 10 kinds of clothing) from
 * disk. The directory is, in order of precedence: the argument, system property {@value
 * #DIRECTORY_PROPERTY}, environment variable {@value #DIRECTORY_ENV}, then {@code
 * /usr/share/datasets/fashion-mnist} where the Debian package {@code dataset-fashion-mnist}
 * installs it. Files may be gzipped ({@code train-images-idx3-ubyte.gz}) or not. For a machine
 * without the files, {@link EmbeddedFashionMnist} ships a subset in the jar.
 */
public final class FashionMnist {
  /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
  public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

  /** The system property that overrides the directory. */
  public static final String DIRECTORY_PROPERTY = "st.data.fashionMnist";

  /** The environment variable that overrides the directory (the property wins over it). */
  public static final String DIRECTORY_ENV = "ST_FASHION_MNIST";

  /** The number of classes. */
  public static final int NUM_CLASSES = 10;

  /** Image height and width. */
  public static final int IMAGE_SIZE = 28;

  /** Class names by label. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** Pixel mean and standard deviation of the 60,000 training images, the usual normalisation. */
  public static final Normalization NORMALIZATION =
      new Normalization(new float[] {0.2860406f}, new float[] {0.3530242f});

  private FashionMnist() {}

  /** The training split (60,000 images) from the configured directory. */
  public static Dataset train() throws IOException {
    return load(directory(), origin(), "train", "fashion-mnist-train");
  }

  /** The test split (10,000 images) from the configured directory. */
  public static Dataset test() throws IOException {
    return load(directory(), origin(), "t10k", "fashion-mnist-test");
  }

  /** The training split from an explicit directory. */
  public static Dataset train(Path dir) throws IOException {
    return load(dir, "the directory passed", "train", "fashion-mnist-train");
  }

  /** The test split from an explicit directory. */
  public static Dataset test(Path dir) throws IOException {
    return load(dir, "the directory passed", "t10k", "fashion-mnist-test");
  }

  /**
   * Whether both splits are present in the configured directory, e.g. to skip a test or fall back.
   */
  public static boolean isInstalled() {
    return isInstalled(directory());
  }

  /** Whether both splits are present in a directory. */
  public static boolean isInstalled(Path dir) {
    for (String split : List.of("train", "t10k")) {
      for (String kind : List.of("images-idx3", "labels-idx1")) {
        if (find(dir, split + "-" + kind + "-ubyte") == null) {
          return false;
        }
      }
    }
    return true;
  }

  /** The directory the no-argument methods use, resolved from property, environment and default. */
  public static Path directory() {
    return resolve(System.getProperty(DIRECTORY_PROPERTY), System.getenv(DIRECTORY_ENV));
  }

  static Path resolve(String property, String env) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return DEFAULT_DIRECTORY;
  }

  private static Dataset load(Path dir, String origin, String split, String name)
      throws IOException {
    checkNotNull(
        dir, "fashion-mnist directory must not be null; pass the folder of the *-ubyte.gz files");
    Path images = require(dir, origin, split + "-images-idx3-ubyte");
    Path labels = require(dir, origin, split + "-labels-idx1-ubyte");
    return IdxDatasets.load(images, labels, NUM_CLASSES, name);
  }

  private static Path require(Path dir, String origin, String base)
      throws DatasetNotFoundException {
    Path found = find(dir, base);
    if (found == null) {
      throw new DatasetNotFoundException(
          dir,
          String.format(
              "Fashion-MNIST file %s.gz (or %s) not found in %s (%s); install it with `apt-get"
                  + " install dataset-fashion-mnist`, or pass the directory that holds the files"
                  + " (argument, -D%s=DIR or %s=DIR), or use EmbeddedFashionMnist for a bundled"
                  + " subset",
              base, base, dir.toAbsolutePath(), origin, DIRECTORY_PROPERTY, DIRECTORY_ENV));
    }
    return found;
  }

  private static String origin() {
    String p = System.getProperty(DIRECTORY_PROPERTY);
    if (p != null && !p.isBlank()) {
      return "from system property " + DIRECTORY_PROPERTY;
    }
    String e = System.getenv(DIRECTORY_ENV);
    return e != null && !e.isBlank()
        ? "from environment variable " + DIRECTORY_ENV
        : "the default directory";
  }

  private static Path find(Path dir, String base) {
    for (String candidate : List.of(base + ".gz", base)) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }
}
