package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The folder where a draw made of training runs keeps its progress, so that a draw killed mid-way
 * and run again continues where it stood: each finished stage (an IMP level, Early-bird's search, a
 * searched ticket before its retraining) as a ticket file {@code STAGE.ticket}, and the running
 * stage's {@link Retrainer.Builder#checkpoint checkpoint} {@code STAGE.ckpt}. The folder's {@code
 * draw.json} records the draw's settings and data; a folder written by another draw is refused,
 * naming the setting. {@link #none()} keeps nothing and runs every stage.
 *
 * <p>Every file is written atomically and checksummed; the folder is left in place when the draw
 * ends (delete it to draw afresh).
 */
public final class DrawProgress {
  /** The file recording the draw a folder belongs to. */
  public static final String DRAW_FILE = "draw.json";

  private static final DrawProgress NONE = new DrawProgress(null);

  private final Path dir;

  private DrawProgress(Path dir) {
    this.dir = dir;
  }

  /** Progress that is not kept: every stage runs, no run checkpoints. */
  public static DrawProgress none() {
    return NONE;
  }

  /**
   * The progress folder {@code dir} of the draw with {@code settings} (its provenance settings and
   * data); created with its {@value #DRAW_FILE} when missing.
   *
   * @throws IllegalArgumentException if the folder holds the progress of a draw with other settings
   * @throws UncheckedIOException if the folder cannot be created or read
   */
  public static DrawProgress in(Path dir, Map<String, ?> settings) {
    checkNotNull(dir, "progress folder must not be null; use DrawProgress.none() to keep none");
    checkNotNull(settings, "settings must not be null");
    Path file = dir.resolve(DRAW_FILE);
    try {
      Files.createDirectories(dir);
      if (AtomicFiles.exists(file)) {
        Object recorded =
            AtomicFiles.readLatest(
                file, f -> Json.parse(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)));
        checkArgument(
            recorded instanceof Map<?, ?>,
            "%s is not a draw's record (a JSON object); delete the folder %s to draw afresh",
            file,
            dir);
        Map<String, String> was = new LinkedHashMap<>();
        ((Map<?, ?>) recorded).forEach((k, v) -> was.put(String.valueOf(k), String.valueOf(v)));
        Provenance.checkSameSettings(dir, settings, ImmutableMap.copyOf(was));
      } else {
        Map<String, Object> json = new LinkedHashMap<>();
        settings.forEach((k, v) -> json.put(k, String.valueOf(v)));
        AtomicFiles.write(file, Json.writePretty(json).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not use progress folder "
              + dir.toAbsolutePath()
              + " ("
              + e
              + "); make it writable or choose another folder",
          e);
    }
    return new DrawProgress(dir);
  }

  /** {@code recipe} checkpointing stage {@code name}'s run in this folder (unchanged for none). */
  public Retrainer checkpointed(Retrainer recipe, String name) {
    checkNotNull(recipe, "recipe must not be null");
    return dir == null ? recipe : recipe.toBuilder().checkpoint(file(name, ".ckpt")).build();
  }

  /**
   * The ticket of stage {@code name}: the one saved when the stage finished before, else {@code
   * run}'s, saved before it is returned.
   */
  public SuperTicket stage(String name, Supplier<SuperTicket> run) {
    checkNotNull(run, "stage code must not be null");
    if (dir == null) {
      return run.get();
    }
    Path file = file(name, ".ticket");
    try {
      if (Files.exists(file)) {
        return SuperTicket.load(file);
      }
      SuperTicket t = run.get();
      save(name, t);
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or write stage ticket " + file, e);
    }
  }

  /** Saves {@code ticket} as stage {@code name}'s result (nothing for none). */
  public void save(String name, SuperTicket ticket) {
    checkNotNull(ticket, "ticket must not be null");
    if (dir == null) {
      return;
    }
    Path file = file(name, ".ticket");
    try {
      ticket.save(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write stage ticket " + file.toAbsolutePath() + " (" + e + ")", e);
    }
  }

  /** The ticket saved as stage {@code name}; fails when it was never saved. */
  public SuperTicket saved(String name) {
    checkArgument(dir != null, "no progress is kept, so no stage %s was saved", name);
    Path file = file(name, ".ticket");
    checkArgument(
        Files.exists(file),
        "progress folder %s has no ticket of stage %s; delete the folder to draw afresh",
        dir,
        name);
    try {
      return SuperTicket.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read stage ticket " + file, e);
    }
  }

  private Path file(String name, String suffix) {
    checkNotNull(name, "stage name must not be null");
    checkArgument(
        name.matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
        "stage name must be letters, digits, '.', '_' or '-', got '%s'",
        name);
    return dir.resolve(name + suffix);
  }

  @Override
  public String toString() {
    return dir == null ? "DrawProgress[none]" : "DrawProgress[" + dir + "]";
  }
}
