package dev.supertickets.cli;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.DatasetNotFoundException;
import dev.supertickets.data.IdxArray;
import dev.supertickets.data.IdxDatasets;
import dev.supertickets.data.IdxReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds and loads a classification data set in IDX format from a directory: one file each for
 * training images, training labels, test images and test labels, named as MNIST, Fashion-MNIST and
 * KMNIST name them ({@code train-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}; {@code test}
 * for {@code t10k} works too), plain or gzipped. The number of classes is the largest label in
 * either file plus one.
 */
final class IdxDirectory {
  static final String FIX =
      "pass --data with a directory holding train-images-idx3-ubyte[.gz],"
          + " train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and"
          + " t10k-labels-idx1-ubyte[.gz] (Fashion-MNIST: `apt-get install dataset-fashion-mnist`),"
          + " or use --data embedded for the subset bundled in the jar";
  private static final List<String> ROLES =
      List.of("train-images", "train-labels", "test-images", "test-labels");

  private IdxDirectory() {}

  /**
   * Both splits of the data set in {@code dir}, named after the directory ({@code
   * fashion-mnist-train}).
   */
  static DataSplits load(Path dir) throws IOException {
    Map<String, Path> files = find(dir);
    IdxArray trainImages = IdxReader.read(files.get("train-images"));
    IdxArray trainLabels = IdxReader.read(files.get("train-labels"));
    IdxArray testImages = IdxReader.read(files.get("test-images"));
    IdxArray testLabels = IdxReader.read(files.get("test-labels"));
    int classes = Math.max(maxLabel(trainLabels), maxLabel(testLabels)) + 1;
    String name =
        dir.toAbsolutePath().normalize().getFileName() == null
            ? "idx"
            : dir.toAbsolutePath().normalize().getFileName().toString();
    return new DataSplits(
        IdxDatasets.classification(trainImages, trainLabels, classes, name + "-train"),
        IdxDatasets.classification(testImages, testLabels, classes, name + "-test"));
  }

  /**
   * The four files by role; a missing or ambiguous one is a DatasetNotFoundException naming the
   * directory.
   */
  static Map<String, Path> find(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new DatasetNotFoundException(
          dir,
          String.format(
              "data directory %s %s; %s",
              abs, Files.exists(dir) ? "is not a directory" : "does not exist", FIX));
    }
    Map<String, Path> byRole = new TreeMap<>();
    List<String> seen = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.sorted().toList()) {
        String name = p.getFileName().toString();
        String role = role(name);
        if (role == null || !Files.isRegularFile(p)) {
          continue;
        }
        seen.add(name);
        Path before = byRole.get(role);
        if (before == null || stripGz(before).equals(stripGz(p)) && name.endsWith(".gz")) {
          byRole.put(
              role, p); // foo and foo.gz are one file; take the gzipped one, as FashionMnist does
        } else if (!stripGz(before).equals(stripGz(p))) {
          throw new DatasetNotFoundException(
              dir,
              String.format(
                  "data directory %s holds two %s files, %s and %s; "
                      + "keep one of them there or move the data set to its own directory",
                  abs, role.replace('-', ' '), before.getFileName(), name));
        }
      }
    }
    List<String> missing = ROLES.stream().filter(r -> !byRole.containsKey(r)).toList();
    if (!missing.isEmpty()) {
      throw new DatasetNotFoundException(
          dir,
          String.format(
              "data directory %s has no %s file (IDX files found: " + "%s); %s",
              abs,
              String.join(", ", missing).replace('-', ' '),
              seen.isEmpty() ? "none" : seen,
              FIX));
    }
    return byRole;
  }

  /** {@code train-images}, {@code test-labels}, ... from a file name, or null for other files. */
  static String role(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    if (!n.contains("idx") && !n.contains("ubyte")) {
      return null;
    }
    String split =
        n.contains("train") ? "train" : n.contains("t10k") || n.contains("test") ? "test" : null;
    String kind = n.contains("label") ? "labels" : n.contains("image") ? "images" : null;
    return split == null || kind == null ? null : split + "-" + kind;
  }

  private static String stripGz(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
  }

  private static int maxLabel(IdxArray labels) {
    int max = 0;
    for (int i = 0; i < labels.length(); i++) {
      max = Math.max(max, labels.unsigned(i));
    }
    return max;
  }

  /** A training and a test split. */
  record DataSplits(Dataset train, Dataset test) {}
}
