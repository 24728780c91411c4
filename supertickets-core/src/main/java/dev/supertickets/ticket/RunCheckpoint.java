package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.supertickets.io.Archive;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.train.HookState;
import dev.supertickets.train.StateEntries;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import dev.supertickets.train.TrainerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a {@link Retrainer} run stood at the end of an epoch: the network (weights, masks, BN
 * statistics, with the run's settings as provenance), optimizer and EMA state, the dropout
 * positions, the state of every step hook (a sparse drawer's drop-and-grow counters, Sup-tickets'
 * running average, a lottery rewind snapshot) and the epochs done. Every random stream of a run is
 * derived from its seed and the epoch or step, so a run continued from it ends with the same
 * ticket, bit for bit on the same backend.
 *
 * <p>Stored as an {@link Archive} of kind {@value #KIND} (magic, version, SHA-256 of every entry),
 * written atomically beside the previous good one ({@code NAME.prev}).
 */
final class RunCheckpoint {
  /** Archive kind of a training run's checkpoint. */
  static final String KIND = "run-checkpoint";

  /** Format version written by this library. */
  static final int VERSION = 1;

  final SuperTicket net;
  final TrainerState trainer;
  final ImmutableList<HookState> hooks;
  final int epochsDone;

  private RunCheckpoint(
      SuperTicket net, TrainerState trainer, List<HookState> hooks, int epochsDone) {
    this.net = net;
    this.trainer = trainer;
    this.hooks = ImmutableList.copyOf(hooks);
    this.epochsDone = epochsDone;
  }

  /**
   * Writes the state of a run after {@code epochsDone} epochs to {@code file}, atomically.
   *
   * @throws UncheckedIOException naming the file and the fix when it cannot be written (the
   *     previous checkpoint, if any, stays intact)
   */
  static void write(
      Path file, SuperTicket net, Trainer trainer, List<StepHook> hooks, int epochsDone) {
    Map<String, byte[]> entries = TicketFile.embed(net, "net/");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("epochsDone", (long) epochsDone);
    json.put("globalStep", Long.toString(trainer.globalStep()));
    StateEntries.writeTrainer(TrainerState.capture(trainer), entries, json);
    StateEntries.writeHooks(hooks.stream().map(StepHook::saveState).toList(), entries, json);
    StateEntries.putJson(entries, json);
    try {
      new Archive(KIND, VERSION, entries).write(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write checkpoint "
              + file.toAbsolutePath()
              + " ("
              + e
              + "); the previous checkpoint, if any, is intact. Free disk space or make the folder"
              + " writable, then run again to continue from it",
          e);
    }
  }

  /**
   * Reads the newest good version of {@code file}, verifying every checksum.
   *
   * @throws FileFormatException if it and its previous version are damaged
   */
  static RunCheckpoint read(Path file) throws IOException {
    return AtomicFiles.readLatest(file, RunCheckpoint::readOne);
  }

  private static RunCheckpoint readOne(Path file) throws IOException {
    Archive a = Archive.read(file, KIND, VERSION);
    try {
      SuperTicket net = TicketFile.embedded(a, file, "net/");
      Map<?, ?> json = StateEntries.json(a, file);
      int epochs = Math.toIntExact(((Number) json.get("epochsDone")).longValue());
      long step = Long.parseLong((String) json.get("globalStep"));
      checkArgument(
          epochs > 0 && step > 0,
          "a run's checkpoint follows at least one epoch, got %s epochs and %s steps",
          epochs,
          step);
      return new RunCheckpoint(
          net,
          StateEntries.readTrainer(a, file, json, step),
          StateEntries.readHooks(a, file, json),
          epochs);
    } catch (FileFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FileFormatException(
          file, "checkpoint content is inconsistent: " + e.getMessage(), e);
    }
  }

  /**
   * Puts the saved state into a run's trainer (whose model holds the run's architecture) and hooks.
   */
  void restore(Trainer trainer, List<StepHook> runHooks, Path file) {
    checkArgument(
        runHooks.size() == hooks.size(),
        "checkpoint %s holds the state of %s step hooks, the run has %s; resume with the drawer"
            + " and recipe that wrote it",
        file,
        hooks.size(),
        runHooks.size());
    net.state().restore(trainer.model());
    this.trainer.restore(trainer);
    for (int i = 0; i < hooks.size(); i++) {
      runHooks.get(i).restoreState(hooks.get(i));
    }
  }
}
