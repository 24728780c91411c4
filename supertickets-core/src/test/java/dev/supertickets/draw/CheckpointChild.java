package dev.supertickets.draw;

import dev.supertickets.tensor.Backend;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link CheckpointTest}'s SIGKILL test: the test's draw with a checkpoint every 3
 * steps; marks its end with a file, which a killed child never writes.
 */
public final class CheckpointChild {
  private CheckpointChild() {}

  public static void main(String[] args) throws Exception {
    Backend.init();
    CheckpointTest.drawer()
        .checkpoint(Path.of(args[0]), 3)
        .build()
        .draw(CheckpointTest.train(), CheckpointTest.test());
    Files.writeString(Path.of(args[1]), "finished");
  }
}
