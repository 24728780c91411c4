package dev.supertickets.cli;

import dev.supertickets.cli.IdxDirectory.DataSplits;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data} option that every command reading images shares. */
final class DataOptions {
  static final String EMBEDDED = "embedded";

  @Option(
      names = "--data",
      paramLabel = "DIR|embedded",
      description = {
        "A directory holding an IDX data set: train and test (or t10k) images and labels, plain or"
            + " gzipped, as MNIST and Fashion-MNIST ship them; or 'embedded' for the"
            + " 5,000/1,000-image Fashion-MNIST subset in the jar.",
        "Default: the Fashion-MNIST install, /usr/share/datasets/fashion-mnist (or"
            + " -Dst.data.fashionMnist=DIR, ST_FASHION_MNIST=DIR)."
      })
  String data;

  boolean embedded() {
    return EMBEDDED.equals(data);
  }

  /** The directory read (meaningless for the embedded subset). */
  Path directory() {
    return data == null ? FashionMnist.directory() : Path.of(data);
  }

  /** Both splits, as files or from the jar. */
  DataSplits load() throws IOException {
    return embedded()
        ? new DataSplits(EmbeddedFashionMnist.train(), EmbeddedFashionMnist.test())
        : IdxDirectory.load(directory());
  }
}
