package dev.supertickets.experiments;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.FashionMnist;
import java.io.IOException;
import picocli.CommandLine.Option;

/**
 * The {@code --data} option the experiment runners share (a picocli mixin, and the check and
 * loading of the {@code Baselines} record): all of Fashion-MNIST from its install, or the subset
 * bundled in the core's jar. Recorded in a report's settings by {@link #name()}.
 */
public final class FashionMnistChoice {
  static final String FULL = "full";
  static final String EMBEDDED = "embedded";

  @Option(
      names = "--data",
      defaultValue = FULL,
      paramLabel = "full|embedded",
      description =
          "full: Fashion-MNIST from its install (/usr/share/datasets/fashion-mnist); embedded: the "
              + "5,000/1,000-image subset bundled in the jar (default: ${DEFAULT-VALUE})")
  String name = FULL;

  /** The choice by name, checked. */
  public static FashionMnistChoice of(String name) {
    FashionMnistChoice c = new FashionMnistChoice();
    c.name = name;
    c.check();
    return c;
  }

  /** {@code full} or {@code embedded}. */
  public String name() {
    return name;
  }

  /** Whether the whole install is read. */
  public boolean full() {
    return FULL.equals(name);
  }

  /** Refuses any other value, naming the two. */
  void check() {
    checkArgument(
        FULL.equals(name) || EMBEDDED.equals(name),
        "--data must be full or embedded, got %s",
        name);
  }

  /** The training split. */
  public Dataset train() throws IOException {
    return full() ? FashionMnist.train() : EmbeddedFashionMnist.train();
  }

  /** The test split. */
  public Dataset test() throws IOException {
    return full() ? FashionMnist.test() : EmbeddedFashionMnist.test();
  }
}
