package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.io.Archive;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.ticket.TicketFile;
import dev.supertickets.train.Metrics;
import dev.supertickets.train.StateEntries;
import dev.supertickets.train.Trainer;
import dev.supertickets.train.TrainerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * Where a draw's loop stands now: {@code net} (its settings as provenance), the trainer's state,
   * the loop's bookkeeping and budget, and {@code elapsedMillis} of wall time.
   */
  static DrawCheckpoint capture(
      SuperTicket net, Trainer trainer, JointLoop.State st, MacsBudget budget, long elapsedMillis) {
    Trainer.EpochProgress p = st.progress;
    Metrics last = st.last;
    Position pos =
        new Position(
            st.epoch,
            p.batches(),
            p.lossSum(),
            p.correct(),
            p.counted(),
            trainer.globalStep(),
            st.events,
            st.sparsity,
            budget.met(),
            budget.metEpoch(),
            last == null ? Double.NaN : last.loss(),
            last == null ? Double.NaN : last.accuracy(),
            last == null ? -1 : last.counted(),
            elapsedMillis);
    return new DrawCheckpoint(net, TrainerState.capture(trainer), pos, st.history);
  }

  /**
   * Puts this checkpoint into a draw's loop: the supernet (rebuilt with the checkpoint's
   * architecture), its trainer, the loop's bookkeeping and the budget.
   */
  void restore(HrSupernet target, Trainer trainer, JointLoop.State st, MacsBudget budget) {
    net.state().restore(target);
    this.trainer.restore(trainer);
    Position pos = position;
    st.epoch = pos.epoch();
    st.progress = pos.progress();
    st.events = pos.events();
    st.sparsity = pos.sparsity();
    st.last =
        pos.lastCounted() < 0
            ? null
            : new Metrics(pos.lastLoss(), pos.lastAccuracy(), pos.lastCounted());
    st.history.addAll(history);
    budget.restore(pos.budgetMet(), pos.budgetMetEpoch());
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
    Map<String, byte[]> entries = TicketFile.embed(net, "net/");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("position", positionJson());
    StateEntries.writeTrainer(trainer, entries, json);
    List<Object> hist = new ArrayList<>();
    for (DrawListener.DrawEvent e : history) {
      hist.add(eventJson(e));
    }
    json.put("history", hist);
    StateEntries.putJson(entries, json);
    new Archive(KIND, VERSION, entries).write(file);
  }

  /**
   * Reads a checkpoint, verifying every checksum. When {@code file} is missing or damaged and a
   * previous good one ({@code NAME.prev}) exists, that one is read instead, since a crash between
   * the two renames of a write can leave only it.
   */
  public static DrawCheckpoint read(Path file) throws IOException {
    return AtomicFiles.readLatest(file, DrawCheckpoint::readOne);
  }

  private static DrawCheckpoint readOne(Path file) throws IOException {
    Archive a = Archive.read(file, KIND, VERSION);
    try {
      SuperTicket ticket = TicketFile.embedded(a, file, "net/");
      Map<?, ?> json = StateEntries.json(a, file);
      List<DrawListener.DrawEvent> hist = new ArrayList<>();
      for (Object o : (List<?>) json.get("history")) {
        hist.add(event((Map<?, ?>) o));
      }
      Position pos = position((Map<?, ?>) json.get("position"));
      TrainerState trainer = StateEntries.readTrainer(a, file, json, pos.globalStep());
      return new DrawCheckpoint(ticket, trainer, pos, hist);
    } catch (FileFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FileFormatException(
          file, "checkpoint content is inconsistent: " + e.getMessage(), e);
    }
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
