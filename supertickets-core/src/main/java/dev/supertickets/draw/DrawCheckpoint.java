package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.io.Archive;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.io.Json;
import dev.supertickets.io.Npy;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.ticket.TicketFile;
import dev.supertickets.train.Trainer;
import dev.supertickets.train.TrainerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything a {@link SuperTicketsDrawer} needs to continue a draw exactly where it stood after a
 * training step: the supernet as cut so far (weights, masks, BN statistics), optimizer and EMA
 * state, the drop-pattern counters, the position in the schedule, the pruning and budget
 * bookkeeping, and the per-epoch history that listeners saw. Every random stream of a draw is
 * derived from the seed and the epoch or step, so nothing else is needed for a resumed draw to end
 * with the same ticket, bit for bit on the same backend.
 *
 * <p>Stored as an {@link Archive} of kind {@value #KIND} (magic, version, SHA-256 of every entry),
 * written atomically beside the previous good one ({@code NAME.prev}); a damaged file is refused
 * with a {@link FileFormatException} naming it.
 */
public final class DrawCheckpoint {
  /** Archive kind of checkpoint files. */
  public static final String KIND = "checkpoint";

  /** Format version written by this library. */
  public static final int VERSION = 1;

  final SuperTicket net;
  final TrainerState trainer;
  final Position position;
  final ImmutableList<DrawListener.DrawEvent> history;

  /**
   * Where the draw stood: {@code batches} batches of {@code epoch} done (the epoch's end not yet
   * processed), the running sums of that epoch, the trainer's global step, prune events and
   * sparsity so far, the budget's state, the last evaluation (NaN when none) and the wall time
   * spent before the checkpoint.
   */
  record Position(
      int epoch,
      int batches,
      double lossSum,
      long correct,
      long counted,
      long globalStep,
      int events,
      double sparsity,
      boolean budgetMet,
      int budgetMetEpoch,
      double lastLoss,
      double lastAccuracy,
      long lastCounted,
      long elapsedMillis) {
    Trainer.EpochProgress progress() {
      return new Trainer.EpochProgress(batches, lossSum, correct, counted);
    }
  }

  DrawCheckpoint(
      SuperTicket net,
      TrainerState trainer,
      Position position,
      List<DrawListener.DrawEvent> history) {
    this.net = net;
    this.trainer = trainer;
    this.position = position;
    this.history = ImmutableList.copyOf(history);
  }

  /** The epoch (0-based) the draw was in. */
  public int epoch() {
    return position.epoch();
  }

  /** Batches of that epoch already trained. */
  public int batches() {
    return position.batches();
  }

  /** Training steps done in all. */
  public long globalStep() {
    return position.globalStep();
  }

  /** The settings of the draw that wrote it (as in a ticket's provenance). */
  public ImmutableMap<String, String> settings() {
    return net.provenance().entries();
  }

  /** The per-epoch events of the finished epochs. */
  public ImmutableList<DrawListener.DrawEvent> history() {
    return history;
  }

  /** Writes atomically; the file it replaces is kept as {@code NAME.prev}. */
  void write(Path file) throws IOException {
    Archive ticket = TicketFile.archive(net);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    ticket.entries().forEach((k, v) -> entries.put("net/" + k, v));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("position", positionJson());
    Map<String, Object> opt = new LinkedHashMap<>();
    trainer
        .optimizer()
        .forEach(
            (name, slots) -> {
              opt.put(name, (long) slots.size());
              for (int i = 0; i < slots.size(); i++) {
                entries.put("optimizer/" + name + "/" + i + ".npy", Npy.write(slots.get(i)));
              }
            });
    json.put("optimizer", opt);
    json.put("optimizerSteps", Long.toString(trainer.optimizerSteps()));
    json.put("emaShadows", new ArrayList<Object>(trainer.emaShadows().keySet()));
    trainer.emaShadows().forEach((k, v) -> entries.put("ema/" + k + ".npy", Npy.write(v)));
    json.put("emaStats", new ArrayList<Object>(trainer.emaStats().keySet()));
    trainer.emaStats().forEach((k, v) -> entries.put("ema-stats/" + k + ".npy", Npy.write(v)));
    json.put("emaUpdates", Long.toString(trainer.emaUpdates()));
    List<Object> drop = new ArrayList<>();
    for (long[] d : trainer.dropouts()) {
      drop.add(List.of(Long.toString(d[0]), Long.toString(d[1])));
    }
    json.put("dropouts", drop);
    List<Object> hist = new ArrayList<>();
    for (DrawListener.DrawEvent e : history) {
      hist.add(eventJson(e));
    }
    json.put("history", hist);
    entries.put("checkpoint.json", Json.writePretty(json).getBytes(StandardCharsets.UTF_8));
    new Archive(KIND, VERSION, entries).write(file);
  }

  /**
   * Reads a checkpoint, verifying every checksum. When {@code file} is missing or damaged and a
   * previous good one ({@code NAME.prev}) exists, that one is read instead, since a crash between
   * the two renames of a write can leave only it.
   */
  public static DrawCheckpoint read(Path file) throws IOException {
    Path prev = AtomicFiles.previous(file);
    if (!Files.exists(file) && Files.exists(prev)) {
      return readOne(prev);
    }
    try {
      return readOne(file);
    } catch (FileFormatException e) {
      if (Files.exists(prev)) {
        try {
          return readOne(prev);
        } catch (FileFormatException ignored) {
          e.addSuppressed(ignored);
        }
      }
      throw e;
    }
  }

  private static DrawCheckpoint readOne(Path file) throws IOException {
    Archive a = Archive.read(file, KIND, VERSION);
    try {
      Map<String, byte[]> net = new LinkedHashMap<>();
      a.entries()
          .forEach(
              (k, v) -> {
                if (k.startsWith("net/")) {
                  net.put(k.substring(4), v);
                }
              });
      SuperTicket ticket =
          TicketFile.read(new Archive(TicketFile.KIND, TicketFile.VERSION, net), file);
      Map<?, ?> json =
          (Map<?, ?>)
              Json.parse(new String(a.entry("checkpoint.json", file), StandardCharsets.UTF_8));
      Map<String, ImmutableList<INDArray>> opt = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) json.get("optimizer")).entrySet()) {
        String name = (String) e.getKey();
        List<INDArray> slots = new ArrayList<>();
        for (int i = 0; i < ((Number) e.getValue()).intValue(); i++) {
          String entry = "optimizer/" + name + "/" + i + ".npy";
          slots.add(Npy.read(a.entry(entry, file), file, entry));
        }
        opt.put(name, ImmutableList.copyOf(slots));
      }
      Map<String, INDArray> shadows = tensors(a, file, "ema/", json.get("emaShadows"));
      Map<String, INDArray> stats = tensors(a, file, "ema-stats/", json.get("emaStats"));
      ImmutableList.Builder<long[]> drop = ImmutableList.builder();
      for (Object o : (List<?>) json.get("dropouts")) {
        List<?> d = (List<?>) o;
        drop.add(new long[] {Long.parseLong((String) d.get(0)), Long.parseLong((String) d.get(1))});
      }
      List<DrawListener.DrawEvent> hist = new ArrayList<>();
      for (Object o : (List<?>) json.get("history")) {
        hist.add(event((Map<?, ?>) o));
      }
      Position pos = position((Map<?, ?>) json.get("position"));
      TrainerState trainer =
          new TrainerState(
              ImmutableMap.copyOf(opt),
              Long.parseLong((String) json.get("optimizerSteps")),
              ImmutableMap.copyOf(shadows),
              ImmutableMap.copyOf(stats),
              Long.parseLong((String) json.get("emaUpdates")),
              drop.build(),
              pos.globalStep());
      return new DrawCheckpoint(ticket, trainer, pos, hist);
    } catch (FileFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FileFormatException(
          file, "checkpoint content is inconsistent: " + e.getMessage(), e);
    }
  }

  private static Map<String, INDArray> tensors(Archive a, Path file, String prefix, Object names)
      throws FileFormatException {
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (Object o : (List<?>) names) {
      String entry = prefix + o + ".npy";
      m.put((String) o, Npy.read(a.entry(entry, file), file, entry));
    }
    return m;
  }

  // numbers travel as strings: Double.toString round-trips exactly and covers NaN, which JSON
  // cannot hold
  private Map<String, Object> positionJson() {
    Position p = position;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", (long) p.epoch());
    m.put("batches", (long) p.batches());
    m.put("lossSum", Double.toString(p.lossSum()));
    m.put("correct", Long.toString(p.correct()));
    m.put("counted", Long.toString(p.counted()));
    m.put("globalStep", Long.toString(p.globalStep()));
    m.put("events", (long) p.events());
    m.put("sparsity", Double.toString(p.sparsity()));
    m.put("budgetMet", p.budgetMet());
    m.put("budgetMetEpoch", (long) p.budgetMetEpoch());
    m.put("lastLoss", Double.toString(p.lastLoss()));
    m.put("lastAccuracy", Double.toString(p.lastAccuracy()));
    m.put("lastCounted", Long.toString(p.lastCounted()));
    m.put("elapsedMillis", Long.toString(p.elapsedMillis()));
    return m;
  }

  private static Position position(Map<?, ?> m) {
    Position p =
        new Position(
            integer(m, "epoch"),
            integer(m, "batches"),
            dbl(m, "lossSum"),
            lng(m, "correct"),
            lng(m, "counted"),
            lng(m, "globalStep"),
            integer(m, "events"),
            dbl(m, "sparsity"),
            (Boolean) m.get("budgetMet"),
            integer(m, "budgetMetEpoch"),
            dbl(m, "lastLoss"),
            dbl(m, "lastAccuracy"),
            lng(m, "lastCounted"),
            lng(m, "elapsedMillis"));
    checkArgument(
        p.epoch() >= 0 && p.batches() >= 0 && p.globalStep() >= 0,
        "position must be non-negative, got epoch %s, batch %s, step %s",
        p.epoch(),
        p.batches(),
        p.globalStep());
    return p;
  }

  private static Map<String, Object> eventJson(DrawListener.DrawEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", (long) e.epoch());
    m.put("epochs", (long) e.epochs());
    m.put("trainLoss", Double.toString(e.trainLoss()));
    m.put("trainAccuracy", Double.toString(e.trainAccuracy()));
    m.put("testAccuracy", Double.toString(e.testAccuracy()));
    m.put("sparsity", Double.toString(e.sparsity()));
    m.put("macs", Long.toString(e.macs()));
    m.put("sparseMacs", Long.toString(e.sparseMacs()));
    m.put("hiddenChannels", Long.toString(e.hiddenChannels()));
    m.put("shrunk", e.shrunk());
    m.put("pruned", e.pruned());
    m.put("elapsedMillis", Long.toString(e.elapsedMillis()));
    return m;
  }

  private static DrawListener.DrawEvent event(Map<?, ?> m) {
    return new DrawListener.DrawEvent(
        integer(m, "epoch"),
        integer(m, "epochs"),
        dbl(m, "trainLoss"),
        dbl(m, "trainAccuracy"),
        dbl(m, "testAccuracy"),
        dbl(m, "sparsity"),
        lng(m, "macs"),
        lng(m, "sparseMacs"),
        lng(m, "hiddenChannels"),
        (Boolean) m.get("shrunk"),
        (Boolean) m.get("pruned"),
        lng(m, "elapsedMillis"));
  }

  private static int integer(Map<?, ?> m, String k) {
    return Math.toIntExact(((Number) required(m, k)).longValue());
  }

  private static long lng(Map<?, ?> m, String k) {
    return Long.parseLong((String) required(m, k));
  }

  private static double dbl(Map<?, ?> m, String k) {
    return Double.parseDouble((String) required(m, k));
  }

  private static Object required(Map<?, ?> m, String k) {
    Object o = m.get(k);
    checkArgument(o != null, "field %s is missing", k);
    return o;
  }

  static UncheckedIOException failure(Path file, IOException e) {
    return new UncheckedIOException(
        "could not write checkpoint "
            + file.toAbsolutePath()
            + " ("
            + e
            + "); the previous checkpoint, if any, is intact. Free disk space or make the folder"
            + " writable, then resume from it",
        e);
  }
}
