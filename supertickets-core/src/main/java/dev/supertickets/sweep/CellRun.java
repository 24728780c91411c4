package dev.supertickets.sweep;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.FashionMnist;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs one cell into a folder: {@code tickets/ID.stkt}, {@code rows/ID.json} and, while the cell
 * draws, its progress in {@code checkpoints/ID/} (checkpoints at every epoch end, finished stages;
 * a later attempt continues from them, whatever the method). The ticket and the row are written
 * atomically, the row last, so a row on disk means its ticket is there; a cell whose row exists is
 * done.
 */
public final class CellRun {
  /** The folder of the tickets. */
  public static final String TICKETS = "tickets";

  /** The folder of the rows. */
  public static final String ROWS = "rows";

  /** The folder of the checkpoints. */
  public static final String CHECKPOINTS = "checkpoints";

  private CellRun() {}

  /** Where {@code cell}'s row goes under {@code dir}. */
  public static Path rowFile(Path dir, SweepCell cell) {
    return dir.resolve(ROWS).resolve(cell.id() + ".json");
  }

  /** Where {@code cell}'s ticket goes under {@code dir}. */
  public static Path ticketFile(Path dir, SweepCell cell) {
    return dir.resolve(TICKETS).resolve(cell.id() + ".stkt");
  }

  /** Where {@code cell} keeps its progress under {@code dir} while it draws. */
  public static Path checkpointFolder(Path dir, SweepCell cell) {
    return dir.resolve(CHECKPOINTS).resolve(cell.id());
  }

  /** Whether {@code cell} is done under {@code dir} (its row is there). */
  public static boolean isDone(Path dir, SweepCell cell) {
    return Files.isRegularFile(rowFile(dir, cell));
  }

  /**
   * Draws {@code cell} unless it is done under {@code dir}, and returns its row (read back when it
   * was done). The ticket's provenance holds the cell ({@code sweep.cell}).
   */
  public static SweepRow run(SweepCell cell, Path dir) throws IOException {
    checkNotNull(cell, "cell must not be null");
    checkNotNull(dir, "output folder must not be null");
    if (isDone(dir, cell)) {
      return SweepRow.fromJson(Files.readString(rowFile(dir, cell)));
    }
    Backend.init();
    Dataset train = train(cell);
    Dataset test = test(cell);
    Path checkpoint = checkpointFolder(dir, cell);
    boolean resumed = hasProgress(checkpoint);
    SweepMethod.Setting setting =
        SweepMethod.Setting.of(cell, train, test, java.util.Optional.of(checkpoint));
    long t0 = System.nanoTime();
    SuperTicket drawn = SweepMethod.of(cell.method()).draw(setting, cell.sparsity());
    SweepRow row = record(cell, dir, drawn, test, (System.nanoTime() - t0) / 1e9, resumed);
    if (Files.exists(checkpoint)) {
      MoreFiles.deleteRecursively(checkpoint, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    return row;
  }

  /**
   * Writes {@code drawn}, the ticket of {@code cell} (the cell added to its provenance as {@code
   * sweep.cell}), and then its row with its accuracy on {@code test}, both atomically: how a cell
   * drawn elsewhere (a data-parallel draw) joins the folder.
   *
   * @return the row
   */
  public static SweepRow record(
      SweepCell cell, Path dir, SuperTicket drawn, Dataset test, double seconds, boolean resumed)
      throws IOException {
    checkNotNull(cell, "cell must not be null");
    checkNotNull(dir, "output folder must not be null");
    checkNotNull(drawn, "ticket must not be null");
    checkNotNull(test, "test data must not be null");
    SuperTicket ticket = drawn.withState(drawn.state(), Map.of("sweep.cell", cell.toJson()));
    SweepRow row = SweepRow.of(cell, ticket, ticket.evaluate(test), seconds, resumed);
    ticket.save(ticketFile(dir, cell));
    AtomicFiles.write(rowFile(dir, cell), (row.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    return row;
  }

  /** Whether an earlier attempt left a checkpoint or a finished stage in {@code folder}. */
  private static boolean hasProgress(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(f -> f.getFileName().toString())
          .anyMatch(n -> n.endsWith(".ckpt") || n.endsWith(".ckpt.prev") || n.endsWith(".ticket"));
    }
  }

  /** The cell's training set (its limit applied with the cell's seed). */
  public static Dataset train(SweepCell cell) throws IOException {
    Dataset d =
        cell.data().equals(SweepCell.EMBEDDED)
            ? EmbeddedFashionMnist.train()
            : FashionMnist.train(Path.of(cell.data()));
    return d.limit(cell.trainLimit(), cell.seed(), "train-limit");
  }

  /** The cell's test set (its limit applied with the cell's seed). */
  public static Dataset test(SweepCell cell) throws IOException {
    Dataset d =
        cell.data().equals(SweepCell.EMBEDDED)
            ? EmbeddedFashionMnist.test()
            : FashionMnist.test(Path.of(cell.data()));
    return d.limit(cell.testLimit(), cell.seed(), "test-limit");
  }
}
